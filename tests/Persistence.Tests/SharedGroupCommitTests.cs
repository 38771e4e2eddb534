using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Queue;
using OrleansSafety.Grains.Storage;
using OrleansSafety.Persistence.Tests.Cluster;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// <see cref="SharedGroupCommit"/> on a real PostgreSQL: grain state, the queue index, the audit log and user records
/// queued together go out as one batch, and sharing a transaction does not share failures beyond what each store
/// allows — a version conflict or a bad row fails only its own write; after a lost connection grain-state writes
/// fail (their fate is unknown) and the idempotent writes are sent again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedGroupCommitTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private const string ServiceId = "shared-commit-tests";
    private static readonly GrainType ProbeType = GrainType.Create("probe-grain");
    private static readonly DateTimeOffset At = new(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(ProbeState).Assembly).AddAssembly(typeof(Notice).Assembly))
        .BuildServiceProvider();

    private TestDatabase _db = null!;
    private SharedGroupCommit _shared = null!;
    private PostgresGrainStorage _grainState = null!;
    private PostgresQueueIndexStore _queueIndex = null!;
    private PostgresAuditLog _audit = null!;
    private PostgresUserRecordStore _userRecords = null!;

    public async Task InitializeAsync()
    {
        _db = await server.GetClassDatabaseAsync(GetType());
        // Fast retries: the lost-connection test waits for one.
        _shared = new SharedGroupCommit(_db.DataSource, new SharedCommitOptions { RetryDelay = TimeSpan.FromMilliseconds(20) });
        _grainState = new PostgresGrainStorage(
            _db.DataSource,
            ServiceId,
            new ExactSizeGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            _services.GetRequiredService<IActivatorProvider>(),
            shared: _shared);
        _queueIndex = new PostgresQueueIndexStore(_db.DataSource, shared: _shared);
        _audit = new PostgresAuditLog(_db.DataSource, shared: _shared);
        _userRecords = new PostgresUserRecordStore(_db.DataSource, _services.GetRequiredService<Serializer>(), shared: _shared);
    }

    public async Task DisposeAsync() => await _shared.DisposeAsync();

    public void Dispose()
    {
        _shared.Dispose(); // already flushed by DisposeAsync; a second dispose does nothing
        _services.Dispose();
    }

    [Fact]
    public async Task Writes_of_every_store_queued_together_share_one_batch_and_a_conflict_fails_only_its_own_write()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var (gate, fresh, taken) = (Grain($"gate-{suffix}"), Grain($"fresh-{suffix}"), Grain($"taken-{suffix}"));
        await Task.WhenAll(WriteAsync(gate, "g1"), WriteAsync(taken, "already there"));

        await using var gateHolder = await HoldTheWriterAsync(gate);
        // Queued while the writer waits at the gate: they go out in the next batch, together.
        var writes = new Dictionary<string, Task>
        {
            ["fresh state"] = WriteAsync(fresh, "new"),
            ["conflicting state"] = WriteAsync(taken, "a second first write"),
            ["queue row"] = _queueIndex.UpsertAsync(3, Entry($"case-{suffix}")),
            ["audit row"] = _audit.AppendAsync(Audit($"audit-{suffix}", $"case-{suffix}")),
            ["notice and outcome"] = _userRecords.WriteAsync($"user-{suffix}", Notice($"notice-{suffix}"), new ReportOutcome($"flag-{suffix}", true)),
        };
        var batchesBefore = _shared.BatchesWritten;
        await gateHolder.ReleaseAsync();
        var outcomes = await OutcomesAsync(writes);

        Assert.IsType<InconsistentStateException>(outcomes["conflicting state"]);
        Assert.All(outcomes.Where(o => o.Key != "conflicting state"), o => Assert.Null(o.Value));
        Assert.Equal(2, _shared.BatchesWritten - batchesBefore); // the gate's batch, then everything else in one
        await AssertStoredAsync(suffix, fresh);
        Assert.Equal("already there", (await ReadAsync(taken)).State!.Value);
    }

    [Fact]
    public async Task A_row_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var (gate, fresh) = (Grain($"gate-{suffix}"), Grain($"fresh-{suffix}"));
        await WriteAsync(gate, "g1");

        await using var gateHolder = await HoldTheWriterAsync(gate);
        var writes = new Dictionary<string, Task>
        {
            ["fresh state"] = WriteAsync(fresh, "new"),
            ["queue row"] = _queueIndex.UpsertAsync(3, Entry($"case-{suffix}")),
            ["audit row"] = _audit.AppendAsync(Audit($"audit-{suffix}", $"case-{suffix}")),
            // PostgreSQL text cannot hold NUL: the whole batch's transaction fails on this row.
            ["bad audit row"] = _audit.AppendAsync(Audit($"bad-{suffix}", $"case-{suffix}") with { ActorId = "nul\0here" }),
            ["notice and outcome"] = _userRecords.WriteAsync($"user-{suffix}", Notice($"notice-{suffix}"), new ReportOutcome($"flag-{suffix}", true)),
        };
        await gateHolder.ReleaseAsync();
        var outcomes = await OutcomesAsync(writes);

        Assert.IsType<StorageFaultException>(outcomes["bad audit row"]);
        Assert.All(outcomes.Where(o => o.Key != "bad audit row"), o => Assert.Null(o.Value));
        await AssertStoredAsync(suffix, fresh);
        Assert.DoesNotContain(await _audit.QueryAsync(new AuditQuery($"case-{suffix}", null, null, 10)), e => e.EntryId == $"bad-{suffix}");
    }

    [Fact]
    public async Task After_a_lost_connection_grain_state_writes_fail_and_the_idempotent_writes_are_sent_again()
    {
        var suffix = Guid.NewGuid().ToString("N");
        var (gate, stuck, fresh) = (Grain($"gate-{suffix}"), Grain($"stuck-{suffix}"), Grain($"fresh-{suffix}"));
        await Task.WhenAll(WriteAsync(gate, "g1"), WriteAsync(stuck, "s1"));

        // The second batch (stuck's state and the rest) waits for a lock; its connection is then killed mid-batch,
        // so the writer cannot know whether it committed.
        var stuckState = await ReadAsync(stuck);
        await using var gateHolder = await HoldTheWriterAsync(gate);
        await using var stuckHolder = await RowHolder.LockAsync(_db, stuck);
        stuckState.State!.Value = "s2";
        var writes = new Dictionary<string, Task>
        {
            ["stuck state"] = _grainState.WriteStateAsync("probe", stuck, stuckState),
            ["fresh state"] = WriteAsync(fresh, "new"),
            ["queue row"] = _queueIndex.UpsertAsync(3, Entry($"case-{suffix}")),
            ["audit row"] = _audit.AppendAsync(Audit($"audit-{suffix}", $"case-{suffix}")),
            ["notice and outcome"] = _userRecords.WriteAsync($"user-{suffix}", Notice($"notice-{suffix}"), new ReportOutcome($"flag-{suffix}", true)),
        };
        await gateHolder.ReleaseAsync();
        var writer = await RowLocks.WaitUntilBlockedByAsync(_db, stuckHolder.ProcessId, "the second batch to wait for the lock on stuck");
        Assert.True(await _db.ScalarAsync<bool>("SELECT pg_terminate_backend(@pid)", ("pid", writer)));
        var outcomes = await OutcomesAsync(writes);
        await stuckHolder.ReleaseAsync();

        Assert.IsType<StorageFaultException>(outcomes["stuck state"]);
        Assert.IsType<StorageFaultException>(outcomes["fresh state"]);
        Assert.Equal(["audit row", "notice and outcome", "queue row"], outcomes.Where(o => o.Value is null).Select(o => o.Key).Order(StringComparer.Ordinal));
        Assert.Equal("s1", (await ReadAsync(stuck)).State!.Value); // the killed batch did not commit
        Assert.False((await ReadAsync(fresh)).RecordExists);
        Assert.Contains(await _queueIndex.LoadAsync(3), e => e.Summary.CaseId == $"case-{suffix}");
        Assert.Single(await _audit.QueryAsync(new AuditQuery($"case-{suffix}", null, null, 10)));
        Assert.Single(await _userRecords.ReadNoticesAsync($"user-{suffix}", 10));
    }

    /// <summary>Everything the first two tests queued besides grain state conflicts, read back from each store.</summary>
    private async Task AssertStoredAsync(string suffix, GrainId fresh)
    {
        Assert.Equal("new", (await ReadAsync(fresh)).State!.Value);
        Assert.Contains(await _queueIndex.LoadAsync(3), e => e.Summary.CaseId == $"case-{suffix}");
        Assert.Contains(await _audit.QueryAsync(new AuditQuery($"case-{suffix}", null, null, 10)), e => e.EntryId == $"audit-{suffix}");
        Assert.Equal($"notice-{suffix}", Assert.Single(await _userRecords.ReadNoticesAsync($"user-{suffix}", 10)).NoticeId);
        Assert.Equal(new Dictionary<string, bool> { [$"flag-{suffix}"] = true }, await _userRecords.ReadReportOutcomesAsync($"user-{suffix}"));
    }

    /// <summary>Locks the gate's row and writes it: the writer then waits in that batch until the lock is released.</summary>
    private async Task<GateHolder> HoldTheWriterAsync(GrainId gate)
    {
        var holder = await RowHolder.LockAsync(_db, gate);
        var state = await ReadAsync(gate);
        state.State!.Value = "held";
        var write = _grainState.WriteStateAsync("probe", gate, state);
        await RowLocks.WaitUntilBlockedByAsync(_db, holder.ProcessId, "the writer to wait at the gate");
        return new GateHolder(holder, write);
    }

    private static async Task<Dictionary<string, Exception?>> OutcomesAsync(Dictionary<string, Task> writes)
    {
        var outcomes = new Dictionary<string, Exception?>();
        foreach (var (name, write) in writes)
        {
            // Bounded: a write retried into a row a test still holds would otherwise wait for ever.
            outcomes[name] = await RowLocks.OutcomeAsync(write.WaitAsync(TimeSpan.FromSeconds(30)));
        }
        return outcomes;
    }

    private Task WriteAsync(GrainId grain, string value) =>
        _grainState.WriteStateAsync("probe", grain, new GrainState<ProbeState>(new ProbeState { Value = value }));

    private async Task<GrainState<ProbeState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<ProbeState>();
        await _grainState.ReadStateAsync("probe", grain, state);
        return state;
    }

    private static GrainId Grain(string key) => GrainId.Create(ProbeType, key);

    private static QueueEntry Entry(string caseId) =>
        new(new CaseSummary(caseId, CaseStatus.Open, TargetType.Chat, "accused-1", FlagReason.Hate, 1, 50, At, null, null), 50);

    private static AuditEntry Audit(string entryId, string caseId) => new(entryId, At, AuditActions.CaseClaimed, "agent-1", CaseId: caseId);

    private static Notice Notice(string id) => new(id, NoticeKinds.ReportOutcome, At, "Your report was upheld.", FlagReason.Hate, null, null);

    /// <summary>A transaction holding one grain's state row locked.</summary>
    private sealed class RowHolder(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public int ProcessId => connection.ProcessID;

        public static async Task<RowHolder> LockAsync(TestDatabase db, GrainId grain)
        {
            var connection = await db.DataSource.OpenConnectionAsync();
            var transaction = await connection.BeginTransactionAsync();
            await RowLocks.LockGrainRowAsync(connection, ServiceId, "probe", grain, nowait: false);
            return new RowHolder(connection, transaction);
        }

        public Task ReleaseAsync() => transaction.CommitAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>The gate's lock and the gate's own write, which completes once the lock is released.</summary>
    private sealed class GateHolder(RowHolder holder, Task gateWrite) : IAsyncDisposable
    {
        public int ProcessId => holder.ProcessId;

        public async Task ReleaseAsync()
        {
            await holder.ReleaseAsync();
            await gateWrite;
        }

        public ValueTask DisposeAsync() => holder.DisposeAsync();
    }
}
