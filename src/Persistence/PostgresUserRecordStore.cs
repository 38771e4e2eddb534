using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// Users' notices and report outcomes in PostgreSQL, a row each (<c>user_notices</c>, <c>report_outcomes</c>). Writes
/// from every user grain of the silo are group-committed (<see cref="GroupCommitter{T}"/>): whatever is queued goes
/// out as one upsert per table, in one round trip and one transaction, so a write's notice and outcome land together.
/// Both upserts replace by key, so a batch retried after a transient error changes nothing twice.
/// Notices are stored with Orleans' serializer, like grain state (their contract is version-tolerant by [Id]).
/// </summary>
public sealed class PostgresUserRecordStore : ShareableGroupCommittedStore<PostgresUserRecordStore.UserRecordWrite>, IUserRecordStore
{
    private const string ReadNoticesSql = """
        SELECT notice FROM user_notices WHERE user_id = @user_id
        ORDER BY seq DESC LIMIT @limit
        """;

    private const string ReadOutcomesSql = "SELECT flag_id, upheld FROM report_outcomes WHERE reporter_id = @user_id";

    private const string UpsertNoticesSql = """
        INSERT INTO user_notices (user_id, notice_id, created_at, notice)
        SELECT * FROM unnest(@user_ids, @notice_ids, @created_ats, @notices)
        ON CONFLICT (user_id, notice_id) DO UPDATE SET created_at = excluded.created_at, notice = excluded.notice
        """;

    private const string UpsertOutcomesSql = """
        INSERT INTO report_outcomes (reporter_id, flag_id, upheld)
        SELECT * FROM unnest(@reporter_ids, @flag_ids, @upheld)
        ON CONFLICT (reporter_id, flag_id) DO UPDATE SET upheld = excluded.upheld
        """;

    private readonly Serializer _serializer;

    /// <param name="shared">Null: batches of its own, with <paramref name="options"/>; else the shared committer's.</param>
    public PostgresUserRecordStore(
        NpgsqlDataSource dataSource,
        Serializer serializer,
        UserRecordOptions? options = null,
        ILogger<PostgresUserRecordStore>? logger = null,
        SharedGroupCommit? shared = null)
        : base(dataSource, "user records", options ?? new UserRecordOptions(), logger, shared)
    {
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
    }

    public async Task<IReadOnlyList<Notice>> ReadNoticesAsync(string userId, int limit)
    {
        await using var command = DataSource.CreateCommand(ReadNoticesSql);
        command.Parameters.Add(new NpgsqlParameter<string>("user_id", userId));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var notices = new List<Notice>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            notices.Add(_serializer.Deserialize<Notice>(reader.GetFieldValue<byte[]>(0))
                ?? throw new InvalidDataException($"A notice of user '{userId}' in user_notices is empty."));
        }
        return notices;
    }

    public async Task<IReadOnlyDictionary<string, bool>> ReadReportOutcomesAsync(string userId)
    {
        await using var command = DataSource.CreateCommand(ReadOutcomesSql);
        command.Parameters.Add(new NpgsqlParameter<string>("user_id", userId));
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var outcomes = new Dictionary<string, bool>(StringComparer.Ordinal);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            outcomes[reader.GetString(0)] = reader.GetBoolean(1);
        }
        return outcomes;
    }

    public Task WriteAsync(string userId, Notice? notice, ReportOutcome? outcome)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (notice is null && outcome is null)
        {
            return Task.CompletedTask;
        }
        // Serialized here, on the caller's thread, so the single writer only sends bytes.
        var serialized = notice is null ? null : _serializer.SerializeToArray(notice);
        return EnqueueAsync(new UserRecordWrite(userId, notice, serialized, outcome)).AsTask();
    }

    private protected override Exception BatchFailed(int count, Exception error) =>
        new StorageFaultException($"The user records could not store {count} change(s).", error);

    private protected override PreparedWrites Prepare(IReadOnlyList<UserRecordWrite> batch)
    {
        // An upsert may touch a row only once per statement; a later write of the same key is the one that stands.
        var notices = new Dictionary<(string User, string Notice), UserRecordWrite>();
        var outcomes = new Dictionary<(string User, string Flag), bool>();
        foreach (var write in batch)
        {
            if (write.Notice is { } notice)
            {
                notices[(write.UserId, notice.NoticeId)] = write;
            }
            if (write.Outcome is { } outcome)
            {
                outcomes[(write.UserId, outcome.FlagId)] = outcome.Upheld;
            }
        }

        var statements = new List<NpgsqlBatchCommand>(2);
        if (notices.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(UpsertNoticesSql);
            var p = upsert.Parameters;
            p.Add(Array("user_ids", NpgsqlDbType.Text, notices.Keys.Select(k => k.User)));
            p.Add(Array("notice_ids", NpgsqlDbType.Text, notices.Keys.Select(k => k.Notice)));
            p.Add(Array("created_ats", NpgsqlDbType.TimestampTz, notices.Values.Select(w => w.Notice!.CreatedAt.UtcDateTime)));
            p.Add(Array("notices", NpgsqlDbType.Bytea, notices.Values.Select(w => w.SerializedNotice!)));
            statements.Add(upsert);
        }
        if (outcomes.Count > 0)
        {
            var upsert = new NpgsqlBatchCommand(UpsertOutcomesSql);
            var p = upsert.Parameters;
            p.Add(Array("reporter_ids", NpgsqlDbType.Text, outcomes.Keys.Select(k => k.User)));
            p.Add(Array("flag_ids", NpgsqlDbType.Text, outcomes.Keys.Select(k => k.Flag)));
            p.Add(Array("upheld", NpgsqlDbType.Boolean, outcomes.Values));
            statements.Add(upsert);
        }
        return new PreparedWrites(statements);
    }

    /// <summary>One queued write: a notice (with its serialized bytes), an outcome, or both.</summary>
    public sealed record UserRecordWrite(string UserId, Notice? Notice, byte[]? SerializedNotice, ReportOutcome? Outcome);
}
