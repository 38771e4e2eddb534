using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Queue;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>The work queue's index in PostgreSQL: a row per unresolved case, upserted by primary key.</summary>
public sealed class PostgresQueueIndexStore(NpgsqlDataSource dataSource) : IQueueIndexStore
{
    private const string LoadSql = """
        SELECT case_id, base_priority, created_at, status, claimed_by, lease_until, target_type, accused_user_id,
               top_reason, reporters
        FROM queue_entries WHERE partition = @partition
        """;

    private const string UpsertSql = """
        INSERT INTO queue_entries (case_id, partition, base_priority, created_at, status, claimed_by, lease_until,
                                   target_type, accused_user_id, top_reason, reporters)
        VALUES (@case_id, @partition, @base_priority, @created_at, @status, @claimed_by, @lease_until,
                @target_type, @accused_user_id, @top_reason, @reporters)
        ON CONFLICT (case_id) DO UPDATE SET
            partition = excluded.partition, base_priority = excluded.base_priority, status = excluded.status,
            claimed_by = excluded.claimed_by, lease_until = excluded.lease_until, top_reason = excluded.top_reason,
            reporters = excluded.reporters
        """;

    private const string RemoveSql = "DELETE FROM queue_entries WHERE case_id = @case_id";

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    public async Task<IReadOnlyList<QueueEntry>> LoadAsync(int partition)
    {
        await using var command = _dataSource.CreateCommand(LoadSql);
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

    public async Task UpsertAsync(int partition, QueueEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var s = entry.Summary;
        await using var command = _dataSource.CreateCommand(UpsertSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string>("case_id", s.CaseId));
        p.Add(new NpgsqlParameter<int>("partition", partition));
        p.Add(new NpgsqlParameter<double>("base_priority", entry.BasePriority));
        p.Add(new NpgsqlParameter<DateTimeOffset>("created_at", s.CreatedAt.ToUniversalTime()));
        p.Add(new NpgsqlParameter<string>("status", WireNames.ToWire(s.Status)));
        p.Add(new NpgsqlParameter("claimed_by", NpgsqlDbType.Text) { Value = (object?)s.ClaimedBy ?? DBNull.Value });
        p.Add(new NpgsqlParameter("lease_until", NpgsqlDbType.TimestampTz) { Value = (object?)s.LeaseUntil?.ToUniversalTime() ?? DBNull.Value });
        p.Add(new NpgsqlParameter<string>("target_type", WireNames.ToWire(s.TargetType)));
        p.Add(new NpgsqlParameter<string>("accused_user_id", s.AccusedUserId));
        p.Add(new NpgsqlParameter<string>("top_reason", WireNames.ToWire(s.TopReason)));
        p.Add(new NpgsqlParameter<int>("reporters", s.Reporters));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task RemoveAsync(int partition, string caseId)
    {
        await using var command = _dataSource.CreateCommand(RemoveSql);
        command.Parameters.Add(new NpgsqlParameter<string>("case_id", caseId));
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum =>
        WireNames.TryParse<TEnum>(wire, out var value) ? value : throw new InvalidDataException($"Unknown {typeof(TEnum).Name} '{wire}' in queue_entries.");
}
