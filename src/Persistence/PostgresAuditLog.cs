using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The audit log in PostgreSQL. Audit appends are rare next to chat (a few per moderation decision), so each is
/// its own statement; <see cref="AppendAsync"/> completes once the row is committed.
/// </summary>
public sealed class PostgresAuditLog(NpgsqlDataSource dataSource) : IAuditLog
{
    private const string Columns = "entry_id, at, action, actor_id, case_id, user_id, agent_id, room_id, appeal_id, details";

    private const string InsertSql = $"""
        INSERT INTO audit_log ({Columns})
        VALUES (@entry_id, @at, @action, @actor_id, @case_id, @user_id, @agent_id, @room_id, @appeal_id, @details)
        ON CONFLICT (entry_id) DO NOTHING
        """;

    // One statement per combination of filters, built once: each names only the columns it filters on, so the
    // planner always sees the index it can use (a catch-all "@x IS NULL OR col = @x" can defeat cached plans).
    private static readonly string[] QuerySql = Enumerable.Range(0, 8).Select(BuildQuery).ToArray();

    private readonly NpgsqlDataSource _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));

    public async Task AppendAsync(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = _dataSource.CreateCommand(InsertSql);
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<string>("entry_id", entry.EntryId));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", entry.At.ToUniversalTime()));
        parameters.Add(new NpgsqlParameter<string>("action", entry.Action));
        parameters.Add(new NpgsqlParameter<string>("actor_id", entry.ActorId));
        parameters.Add(NullableText("case_id", entry.CaseId));
        parameters.Add(NullableText("user_id", entry.UserId));
        parameters.Add(NullableText("agent_id", entry.AgentId));
        parameters.Add(NullableText("room_id", entry.RoomId));
        parameters.Add(NullableText("appeal_id", entry.AppealId));
        parameters.Add(new NpgsqlParameter("details", NpgsqlDbType.Jsonb)
        {
            Value = entry.Details is null ? DBNull.Value : JsonSerializer.Serialize(entry.Details),
        });
        await command.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit <= 0)
        {
            return [];
        }
        var mask = (query.CaseId is null ? 0 : 1) | (query.UserId is null ? 0 : 2) | (query.AgentId is null ? 0 : 4);
        await using var command = _dataSource.CreateCommand(QuerySql[mask]);
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
        TransparencyQuery.RunAsync(_dataSource, from, to);

    private static NpgsqlParameter<string?> NullableText(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { TypedValue = value };

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
