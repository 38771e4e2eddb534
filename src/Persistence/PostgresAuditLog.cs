using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using Microsoft.Extensions.Logging;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The audit log in PostgreSQL. Appends from every grain of the silo are group-committed like the chat journal's
/// (a flag, a claim and a decision each append a row while their grains write state, so under load one commit
/// carries many operations' rows); <see cref="AppendAsync"/> completes once its row is committed. Rows are
/// idempotent by entry id, so a retried operation that appends again stores nothing new.
/// </summary>
public sealed class PostgresAuditLog : ShareableGroupCommittedStore<AuditEntry>, IAuditLog
{
    private const string Columns = "entry_id, at, action, actor_id, case_id, user_id, agent_id, room_id, appeal_id, details";

    // One statement text whatever the batch size: ten array parameters, unnest() turns them into rows.
    private const string InsertSql = $"""
        INSERT INTO audit_log ({Columns})
        SELECT entry_id, at, action, actor_id, case_id, user_id, agent_id, room_id, appeal_id, details::jsonb
        FROM unnest(@entry_ids, @ats, @actions, @actor_ids, @case_ids, @user_ids, @agent_ids, @room_ids, @appeal_ids, @details)
            AS b ({Columns})
        ON CONFLICT (entry_id) DO NOTHING
        """;

    // One statement per combination of filters, built once: each names only the columns it filters on, so the
    // planner always sees the index it can use (a catch-all "@x IS NULL OR col = @x" can defeat cached plans).
    private static readonly string[] QuerySql = Enumerable.Range(0, 8).Select(BuildQuery).ToArray();

    /// <param name="shared">Null: batches of its own, with <paramref name="options"/>; else the shared committer's.</param>
    public PostgresAuditLog(
        NpgsqlDataSource dataSource, AuditLogOptions? options = null, ILogger<PostgresAuditLog>? logger = null, SharedGroupCommit? shared = null)
        : base(dataSource, "audit log", options ?? new AuditLogOptions(), logger, shared)
    {
    }

    public Task AppendAsync(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return EnqueueAsync(entry).AsTask();
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }
        var mask = (query.CaseId is null ? 0 : 1) | (query.UserId is null ? 0 : 2) | (query.AgentId is null ? 0 : 4);
        await using var command = DataSource.CreateCommand(QuerySql[mask]);
        if (query.CaseId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("case_id", query.CaseId));
        }
        if (query.UserId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("user_id", query.UserId));
        }
        if (query.AgentId is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("agent_id", query.AgentId));
        }
        command.Parameters.Add(new NpgsqlParameter<int>("limit", query.Limit));

        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            entries.Add(new AuditEntry(
                reader.GetString(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8),
                reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(9))));
        }
        return entries;
    }

    public Task<TransparencyReport> GetTransparencyAsync(DateTimeOffset from, DateTimeOffset to) =>
        TransparencyQuery.RunAsync(DataSource, from, to);

    private protected override Exception BatchFailed(int count, Exception error) =>
        new StorageFaultException($"The audit log could not store {count} entries.", error);

    private protected override PreparedWrites Prepare(IReadOnlyList<AuditEntry> batch)
    {
        var count = batch.Count;
        var entryIds = new string[count];
        var ats = new DateTime[count];
        var actions = new string[count];
        var actorIds = new string[count];
        var caseIds = new string?[count];
        var userIds = new string?[count];
        var agentIds = new string?[count];
        var roomIds = new string?[count];
        var appealIds = new string?[count];
        var details = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var entry = batch[i];
            entryIds[i] = entry.EntryId;
            ats[i] = entry.At.UtcDateTime;
            actions[i] = entry.Action;
            actorIds[i] = entry.ActorId;
            caseIds[i] = entry.CaseId;
            userIds[i] = entry.UserId;
            agentIds[i] = entry.AgentId;
            roomIds[i] = entry.RoomId;
            appealIds[i] = entry.AppealId;
            details[i] = entry.Details is null ? null : JsonSerializer.Serialize(entry.Details);
        }

        var command = new NpgsqlBatchCommand(InsertSql);
        var parameters = command.Parameters;
        parameters.Add(TextArray("entry_ids", entryIds));
        parameters.Add(new NpgsqlParameter<DateTime[]>("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = ats });
        parameters.Add(TextArray("actions", actions));
        parameters.Add(TextArray("actor_ids", actorIds));
        parameters.Add(TextArray("case_ids", caseIds));
        parameters.Add(TextArray("user_ids", userIds));
        parameters.Add(TextArray("agent_ids", agentIds));
        parameters.Add(TextArray("room_ids", roomIds));
        parameters.Add(TextArray("appeal_ids", appealIds));
        parameters.Add(TextArray("details", details));
        return new PreparedWrites([command]);
    }

    private static NpgsqlParameter<string?[]> TextArray(string name, string?[] values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = values };

    private static string BuildQuery(int mask)
    {
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_log WHERE true");
        if ((mask & 1) != 0)
        {
            sql.Append(" AND case_id = @case_id");
        }
        if ((mask & 2) != 0)
        {
            sql.Append(" AND user_id = @user_id");
        }
        if ((mask & 4) != 0)
        {
            // An agent's log: what it did (actor) and what was done to it (subject), e.g. role changes.
            sql.Append(" AND (agent_id = @agent_id OR actor_id = @agent_id)");
        }
        // entry_id makes the order total, so pages and tests are deterministic when times tie.
        sql.Append(" ORDER BY at DESC, entry_id DESC LIMIT @limit");
        return sql.ToString();
    }
}
