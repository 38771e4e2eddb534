using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSafety.Persistence.Tests.Cluster;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// <see cref="PostgresGrainStorage"/> on a real PostgreSQL: the version protocol grains rely on (a stale ETag or a
/// second first-write is refused), group commit (many grains' writes share statements, a conflict fails only its own
/// write) and rows keyed exactly as Orleans' AdoNet provider keys them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStorageTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private const string ServiceId = "grain-storage-tests";
    private static readonly GrainType ProbeType = GrainType.Create("probe-grain");

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(ProbeState).Assembly))
        .BuildServiceProvider();

    private TestDatabase _db = null!;
    private PostgresGrainStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _db = await server.GetClassDatabaseAsync(GetType());
        _storage = new PostgresGrainStorage(
            _db.DataSource,
            ServiceId,
            new ExactSizeGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            _services.GetRequiredService<IActivatorProvider>());
    }

    public async Task DisposeAsync() => await _storage.DisposeAsync();

    public void Dispose()
    {
        _storage.Dispose(); // already flushed by DisposeAsync; a second dispose does nothing
        _services.Dispose();
    }

    [Fact]
    public async Task A_write_reads_back_with_its_version_and_stale_writers_are_refused()
    {
        var grain = GrainId.Create(ProbeType, $"user-{Guid.NewGuid():N}");
        var mine = await ReadAsync(grain);
        var rival = await ReadAsync(grain); // a second activation that read the same (missing) row
        Assert.False(mine.RecordExists);
        Assert.Null(mine.ETag);

        mine.State!.Value = "first";
        await _storage.WriteStateAsync("probe", grain, mine);
        Assert.Equal("1", mine.ETag);
        Assert.True(mine.RecordExists);

        rival.State!.Value = "rival";
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("probe", grain, rival));

        mine.State!.Value = "second";
        await _storage.WriteStateAsync("probe", grain, mine);
        var stale = await ReadAsync(grain);
        mine.State!.Value = "third";
        await _storage.WriteStateAsync("probe", grain, mine);
        stale.State!.Value = "stale";
        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync("probe", grain, stale));

        var read = await ReadAsync(grain);
        Assert.Equal(("third", "3", true), (read.State!.Value, read.ETag, read.RecordExists));
    }

    [Fact]
    public async Task Writes_of_many_grains_at_once_share_commits_and_a_conflict_fails_only_its_own_write()
    {
        const int Grains = 300;
        var grains = Enumerable.Range(0, Grains).Select(i => GrainId.Create(ProbeType, $"many-{i}-{Guid.NewGuid():N}")).ToList();
        var conflicted = grains[Grains / 2];
        await _storage.WriteStateAsync("probe", conflicted, new GrainState<ProbeState>(new ProbeState { Value = "already there" }));
        var batchesBefore = _storage.BatchesWritten;

        var writes = grains.Select(id => (Id: id, Task: _storage.WriteStateAsync("probe", id, new GrainState<ProbeState>(new ProbeState { Value = id.Key.ToString() })))).ToList();
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes.Single(w => w.Id == conflicted).Task);
        await Task.WhenAll(writes.Where(w => w.Id != conflicted).Select(w => w.Task));

        foreach (var id in grains)
        {
            Assert.Equal(id == conflicted ? "already there" : id.Key.ToString(), (await ReadAsync(id)).State!.Value);
        }
        Assert.True(_storage.BatchesWritten - batchesBefore < Grains, $"{Grains} writes took {_storage.BatchesWritten - batchesBefore} statements");
    }

    [Fact]
    public async Task Overlapping_writes_of_one_row_store_exactly_the_one_that_may_win()
    {
        // Two first writes at once (two activations that both found no row): one is stored, the other refused.
        var fresh = GrainId.Create(ProbeType, $"fresh-{Guid.NewGuid():N}");
        var outcomes = await Task.WhenAll(
            RowLocks.OutcomeAsync(_storage.WriteStateAsync("probe", fresh, new GrainState<ProbeState>(new ProbeState { Value = "a" }))),
            RowLocks.OutcomeAsync(_storage.WriteStateAsync("probe", fresh, new GrainState<ProbeState>(new ProbeState { Value = "b" }))));
        Assert.Single(outcomes, o => o is null);
        Assert.Single(outcomes, o => o is InconsistentStateException);

        // A stale and a current writer at once: the current one is stored, whatever order they are queued in.
        var grain = GrainId.Create(ProbeType, $"raced-{Guid.NewGuid():N}");
        var stale = new GrainState<ProbeState>(new ProbeState { Value = "v1" });
        await _storage.WriteStateAsync("probe", grain, stale);
        var current = await ReadAsync(grain);
        current.State!.Value = "v2";
        await _storage.WriteStateAsync("probe", grain, current);
        (stale.State!.Value, current.State!.Value) = ("stale", "current");
        var staleWrite = _storage.WriteStateAsync("probe", grain, stale);
        var currentWrite = _storage.WriteStateAsync("probe", grain, current);
        await currentWrite;
        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.Equal(("current", "3"), ((await ReadAsync(grain)).State!.Value, current.ETag));
    }

    [Fact]
    public async Task A_batch_chosen_as_deadlock_victim_is_tried_again_and_its_writes_are_stored()
    {
        // Rows a < b (key order). A rival transaction holds b; the batch locks a, then waits for b; the rival then
        // asks for a: a deadlock. The batch's backend detects it first (the rival's detection is put off), so the
        // server rolls the batch back; it must be tried again once the rival is done, not fail its grains' writes.
        var suffix = Guid.NewGuid().ToString("N");
        var (a, b) = (GrainId.Create(ProbeType, $"deadlock-a-{suffix}"), GrainId.Create(ProbeType, $"deadlock-b-{suffix}"));
        var gate = GrainId.Create(ProbeType, $"deadlock-gate-{suffix}");
        var stateA = new GrainState<ProbeState>(new ProbeState { Value = "a1" });
        var stateB = new GrainState<ProbeState>(new ProbeState { Value = "b1" });
        var gateState = new GrainState<ProbeState>(new ProbeState { Value = "g1" });
        await Task.WhenAll(
            _storage.WriteStateAsync("probe", a, stateA),
            _storage.WriteStateAsync("probe", b, stateB),
            _storage.WriteStateAsync("probe", gate, gateState));

        await using var rival = await _db.DataSource.OpenConnectionAsync();
        await ExecuteAsync(rival, "SET deadlock_timeout = '60s'");
        await using var rivalTransaction = await rival.BeginTransactionAsync();
        await LockRowAsync(rival, b, nowait: false);
        var rivalPid = rival.ProcessID;

        // The gate holds the writer on a batch of its own, so that the writes of b and a (queued in that order)
        // go out together in the next one.
        await using var gateHolder = await _db.DataSource.OpenConnectionAsync();
        await using var gateTransaction = await gateHolder.BeginTransactionAsync();
        await LockRowAsync(gateHolder, gate, nowait: false);
        gateState.State!.Value = "g2";
        var gateWrite = _storage.WriteStateAsync("probe", gate, gateState);
        await RowLocks.WaitUntilBlockedByAsync(_db, gateHolder.ProcessID, "the writer to wait at the gate");
        (stateA.State!.Value, stateB.State!.Value) = ("a2", "b2");
        var writes = Task.WhenAll(_storage.WriteStateAsync("probe", b, stateB), _storage.WriteStateAsync("probe", a, stateA));
        await gateTransaction.CommitAsync();
        await gateWrite;
        await RowLocks.WaitUntilBlockedByAsync(_db, rivalPid, "the batch to wait for the rival's lock on b");
        await using (var probe = await _db.DataSource.OpenConnectionAsync())
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => LockRowAsync(probe, a, nowait: true));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, error.SqlState); // the batch holds a: it locked in key order
        }

        await LockRowAsync(rival, a, nowait: false); // returns once the server has rolled the batch back
        await rivalTransaction.CommitAsync();
        await writes;

        Assert.Equal(("a2", "2"), ((await ReadAsync(a)).State!.Value, stateA.ETag));
        Assert.Equal(("b2", "2"), ((await ReadAsync(b)).State!.Value, stateB.ETag));
    }

    [Fact]
    public void Retrying_grain_state_batches_is_refused_as_a_setting()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PostgresGrainStorage(
            _db.DataSource,
            ServiceId,
            new ExactSizeGrainStorageSerializer(_services.GetRequiredService<Serializer>()),
            _services.GetRequiredService<IActivatorProvider>(),
            new GrainStateOptions { MaxAttempts = 3 }));
        Assert.Contains("MaxAttempts must be 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_are_keyed_as_the_AdoNet_provider_keys_them()
    {
        var guid = Guid.NewGuid();
        var guidBytes = guid.ToByteArray();
        var cases = new (GrainId Id, long N0, long N1, string Extension)[]
        {
            (GrainId.Create(ProbeType, "user-7"), 0, 0, "user-7"),
            (GrainId.Create(ProbeType, GrainIdKeyExtensions.CreateIntegerKey(42)), 0, 42, ""),
            (GrainId.Create(ProbeType, GrainIdKeyExtensions.CreateIntegerKey(43, "ext")), 0, 43, "ext"),
            (GrainId.Create(ProbeType, GrainIdKeyExtensions.CreateGuidKey(guid)), BitConverter.ToInt64(guidBytes, 0), BitConverter.ToInt64(guidBytes, 8), ""),
        };
        foreach (var (id, n0, n1, extension) in cases)
        {
            await _storage.WriteStateAsync("keyed", id, new GrainState<ProbeState>(new ProbeState { Value = "x" }));
            Assert.Equal(1, await _db.ScalarAsync<int>(
                "SELECT version FROM orleans_storage WHERE service_id = @s AND grain_type = 'keyed' AND grain_id_n0 = @n0 AND grain_id_n1 = @n1 AND grain_id_extension = @e",
                ("s", ServiceId), ("n0", n0), ("n1", n1), ("e", extension)));
        }
    }

    [Fact]
    public async Task Clearing_keeps_the_row_and_its_version_and_reads_back_a_fresh_state()
    {
        var grain = GrainId.Create(ProbeType, $"cleared-{Guid.NewGuid():N}");
        var state = new GrainState<ProbeState>(new ProbeState { Value = "to clear", Writes = 5 });
        await _storage.WriteStateAsync("probe", grain, state);

        await _storage.ClearStateAsync("probe", grain, state);

        Assert.Equal(("2", false), (state.ETag, state.RecordExists));
        var read = await ReadAsync(grain);
        Assert.Equal((null, 0, "2"), (read.State!.Value, read.State!.Writes, read.ETag));
        read.State!.Value = "after";
        await _storage.WriteStateAsync("probe", grain, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task Rows_written_with_Orleans_own_storage_serializer_read_back_and_the_other_way_round()
    {
        var serializer = _services.GetRequiredService<Serializer>();
        var state = new ProbeState { Value = "same bytes", Writes = 3 };
        Assert.Equal(new OrleansGrainStorageSerializer(serializer).Serialize(state).ToArray(),
            new ExactSizeGrainStorageSerializer(serializer).Serialize(state).ToArray());

        await using var orleansFormat = new PostgresGrainStorage(
            _db.DataSource, ServiceId, new OrleansGrainStorageSerializer(serializer), _services.GetRequiredService<IActivatorProvider>());
        var older = GrainId.Create(ProbeType, $"older-{Guid.NewGuid():N}");
        await orleansFormat.WriteStateAsync("probe", older, new GrainState<ProbeState>(state));
        Assert.Equal(("same bytes", 3), ((await ReadAsync(older)).State!.Value, (await ReadAsync(older)).State!.Writes));

        var newer = GrainId.Create(ProbeType, $"newer-{Guid.NewGuid():N}");
        await _storage.WriteStateAsync("probe", newer, new GrainState<ProbeState>(state));
        var readByOrleans = new GrainState<ProbeState>();
        await orleansFormat.ReadStateAsync("probe", newer, readByOrleans);
        Assert.Equal(("same bytes", 3, "1"), (readByOrleans.State!.Value, readByOrleans.State!.Writes, readByOrleans.ETag));
    }

    private static Task LockRowAsync(NpgsqlConnection connection, GrainId grain, bool nowait) =>
        RowLocks.LockGrainRowAsync(connection, ServiceId, "probe", grain, nowait);

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<GrainState<ProbeState>> ReadAsync(GrainId grain)
    {
        var state = new GrainState<ProbeState>();
        await _storage.ReadStateAsync("probe", grain, state);
        return state;
    }
}
