using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Queue;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The work queue's index in PostgreSQL: a row per unresolved case. Upserts and removals from every partition of the
/// silo are group-committed (<see cref="GroupCommitter{T}"/>): whatever is queued goes out as one upsert and one
/// delete statement in one round trip and one transaction, and each write completes once its batch has committed.
/// Both statements are idempotent, so a batch retried after a transient error changes nothing twice.
/// </summary>
public sealed class PostgresQueueIndexStore : ShareableGroupCommittedStore<PostgresQueueIndexStore.QueueIndexWrite>, IQueueIndexStore
{
    private const string LoadSql = """
        SELECT case_id, base_priority, created_at, status, claimed_by, lease_until, target_type, accused_user_id,
               top_reason, reporters
        FROM queue_entries WHERE partition = @partition
        """;

    private const string UpsertSql = """
        INSERT INTO queue_entries (case_id, partition, base_priority, created_at, status, claimed_by, lease_until,
                                   target_type, accused_user_id, top_reason, reporters)
        SELECT * FROM unnest(@case_ids, @partitions, @base_priorities, @created_ats, @statuses, @claimed_bys,
                             @lease_untils, @target_types, @accused_user_ids, @top_reasons, @reporters)
        ON CONFLICT (case_id) DO UPDATE SET
            partition = excluded.partition, base_priority = excluded.base_priority, status = excluded.status,
            claimed_by = excluded.claimed_by, lease_until = excluded.lease_until, top_reason = excluded.top_reason,
            reporters = excluded.reporters
        """;

    private const string RemoveSql = "DELETE FROM queue_entries WHERE case_id = ANY(@case_ids)";

    /// <param name="shared">Null: batches of its own, with <paramref name="options"/>; else the shared committer's.</param>
    public PostgresQueueIndexStore(
        NpgsqlDataSource dataSource, QueueIndexOptions? options = null, ILogger<PostgresQueueIndexStore>? logger = null, SharedGroupCommit? shared = null)
        : base(dataSource, "queue index", options ?? new QueueIndexOptions(), logger, shared)
    {
    }

    public async Task<IReadOnlyList<QueueEntry>> LoadAsync(int partition)
    {
        await using var command = DataSource.CreateCommand(LoadSql);
        command.Parameters.Add(new NpgsqlParameter<int>("partition", partition));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var entries = new List<QueueEntry>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            var summary = new CaseSummary(
                CaseId: reader.GetString(0),
                Status: Parse<CaseStatus>(reader.GetString(3)),
                TargetType: Parse<TargetType>(reader.GetString(6)),
                AccusedUserId: reader.GetString(7),
                TopReason: Parse<FlagReason>(reader.GetString(8)),
                Reporters: reader.GetInt32(9),
                Priority: reader.GetDouble(1),
                CreatedAt: reader.GetFieldValue<DateTimeOffset>(2),
                ClaimedBy: reader.IsDBNull(4) ? null : reader.GetString(4),
                LeaseUntil: reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
            entries.Add(new QueueEntry(summary, reader.GetDouble(1)));
        }
        return entries;
    }

    public Task UpsertAsync(int partition, QueueEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return EnqueueAsync(new QueueIndexWrite(partition, entry.Summary.CaseId, entry)).AsTask();
    }

    public Task RemoveAsync(int partition, string caseId) =>
        EnqueueAsync(new QueueIndexWrite(partition, caseId, Entry: null)).AsTask();

    private protected override Exception BatchFailed(int count, Exception error) =>
        new StorageFaultException($"The queue index could not store {count} change(s).", error);

    private protected override PreparedWrites Prepare(IReadOnlyList<QueueIndexWrite> batch)
    {
        // A case's next write waits for its previous one, so a case appears once per batch; if it ever appeared
        // twice, the later write is the one that must stand (and an upsert may touch a row only once per statement).
        var last = new Dictionary<string, QueueIndexWrite>(StringComparer.Ordinal);
        foreach (var write in batch)
        {
            last[write.CaseId] = write;
        }
        var upserts = last.Values.Where(w => w.Entry is not null).Select(w => (w.Partition, Entry: w.Entry!)).ToList();
        var removals = last.Values.Where(w => w.Entry is null).Select(w => w.CaseId).ToArray();

        var statements = new List<NpgsqlBatchCommand>(2);
        if (upserts.Count > 0)
        {
            statements.Add(UpsertCommand(upserts));
        }
        if (removals.Length > 0)
        {
            var remove = new NpgsqlBatchCommand(RemoveSql);
            remove.Parameters.Add(new NpgsqlParameter<string[]>("case_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = removals });
            statements.Add(remove);
        }
        return new PreparedWrites(statements);
    }

    private static NpgsqlBatchCommand UpsertCommand(List<(int Partition, QueueEntry Entry)> upserts)
    {
        var command = new NpgsqlBatchCommand(UpsertSql);
        var p = command.Parameters;
        p.Add(Array("case_ids", NpgsqlDbType.Text, upserts.Select(u => u.Entry.Summary.CaseId)));
        p.Add(Array("partitions", NpgsqlDbType.Integer, upserts.Select(u => u.Partition)));
        p.Add(Array("base_priorities", NpgsqlDbType.Double, upserts.Select(u => u.Entry.BasePriority)));
        p.Add(Array("created_ats", NpgsqlDbType.TimestampTz, upserts.Select(u => u.Entry.Summary.CreatedAt.UtcDateTime)));
        p.Add(Array("statuses", NpgsqlDbType.Text, upserts.Select(u => WireNames.ToWire(u.Entry.Summary.Status))));
        p.Add(Array("claimed_bys", NpgsqlDbType.Text, upserts.Select(u => u.Entry.Summary.ClaimedBy)));
        p.Add(Array("lease_untils", NpgsqlDbType.TimestampTz, upserts.Select(u => u.Entry.Summary.LeaseUntil?.UtcDateTime)));
        p.Add(Array("target_types", NpgsqlDbType.Text, upserts.Select(u => WireNames.ToWire(u.Entry.Summary.TargetType))));
        p.Add(Array("accused_user_ids", NpgsqlDbType.Text, upserts.Select(u => u.Entry.Summary.AccusedUserId)));
        p.Add(Array("top_reasons", NpgsqlDbType.Text, upserts.Select(u => WireNames.ToWire(u.Entry.Summary.TopReason))));
        p.Add(Array("reporters", NpgsqlDbType.Integer, upserts.Select(u => u.Entry.Summary.Reporters)));
        return command;
    }

    private static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum =>
        WireNames.TryParse<TEnum>(wire, out var value) ? value : throw new InvalidDataException($"Unknown {typeof(TEnum).Name} '{wire}' in queue_entries.");

    /// <summary>One queued change of a case's row: its entry, or null to remove it.</summary>
    public readonly record struct QueueIndexWrite(int Partition, string CaseId, QueueEntry? Entry);
}
