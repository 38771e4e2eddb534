using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The chat journal in PostgreSQL, with group commit (<see cref="GroupCommitter{T}"/>): appends from every room of
/// the silo go out together, one statement, one round trip and one commit per batch. An append completes only once
/// its batch has committed, and fails (never acknowledges) when its batch could not be stored. Per-message cost
/// depends neither on a room's history nor on the number of rooms: one primary-key insert each, amortised round
/// trip and fsync.
/// </summary>
/// <remarks>
/// Inserts use ON CONFLICT DO NOTHING on (room_id, seq), so an append retried after a lost acknowledgement (or a
/// batch retried after a transient error) neither fails nor duplicates. The same statement reports any seq that
/// was already held by a *different* message (two activations of one room during a split brain): that append
/// fails instead of being acknowledged without being stored.
/// Binary COPY would be a little faster but cannot skip conflicts, so one re-sent row would fail its whole batch.
/// Disposing completes the queue and waits until everything queued is written.
/// </remarks>
public sealed class PostgresChatJournal : GroupCommittedStore<(string RoomId, ChatMessage Message)>, IChatJournal
{
    // unnest() turns the column arrays into rows: one statement text whatever the batch size, so it is prepared
    // once per connection (ModerationDatabase turns on Npgsql's automatic preparation), and 6 parameters instead
    // of 6 per row. It reads nothing but the primary key's conflict check, so its plan is the same whatever the
    // table's size; the count of rows it inserted says whether any row of the batch met a row already there.
    internal const string InsertSql = """
        INSERT INTO chat_messages (room_id, seq, user_id, text, sent_at, client_message_id)
        SELECT * FROM unnest(@room_ids, @seqs, @user_ids, @texts, @sent_ats, @client_message_ids)
        ON CONFLICT (room_id, seq) DO NOTHING
        """;

    // Only for a batch that met rows already there (a retry after a lost acknowledgement, or two activations of one
    // room during a split brain): which of those rows hold a different message.
    internal const string DifferingSql = """
        SELECT b.room_id, b.seq
        FROM unnest(@room_ids, @seqs, @user_ids, @texts) AS b (room_id, seq, user_id, text)
        JOIN chat_messages c ON c.room_id = b.room_id AND c.seq = b.seq
        WHERE c.user_id <> b.user_id OR c.text <> b.text
        """;

    private const string ReadBeforeSql = """
        SELECT seq, user_id, text, sent_at, client_message_id FROM (
            SELECT seq, user_id, text, sent_at, client_message_id FROM chat_messages
            WHERE room_id = @room_id AND seq < @before_seq
            ORDER BY seq DESC
            LIMIT @limit) AS newest
        ORDER BY seq
        """;

    private const string ReadRangeSql = """
        SELECT seq, user_id, text, sent_at, client_message_id FROM chat_messages
        WHERE room_id = @room_id AND seq BETWEEN @from_seq AND @to_seq
        ORDER BY seq
        """;

    private const string LastSeqSql = "SELECT coalesce(max(seq), 0) FROM chat_messages WHERE room_id = @room_id";

    public PostgresChatJournal(NpgsqlDataSource dataSource, ChatJournalOptions? options = null, ILogger<PostgresChatJournal>? logger = null)
        : base(dataSource, "chat journal", options ?? new ChatJournalOptions(), logger)
    {
    }

    public ValueTask AppendAsync(string roomId, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(message);
        // A row PostgreSQL would reject would fail every other message of its batch: refuse it here, alone.
        ChatRowValidator.ThrowIfUnstorable(roomId, message);
        return EnqueueAsync((roomId, message));
    }

    public async Task<IReadOnlyList<ChatMessage>> ReadAsync(string roomId, long? beforeSeq, int limit)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        if (limit <= 0)
        {
            return [];
        }
        await using var command = DataSource.CreateCommand(ReadBeforeSql);
        command.Parameters.Add(new NpgsqlParameter<string>("room_id", roomId));
        command.Parameters.Add(new NpgsqlParameter<long>("before_seq", beforeSeq ?? long.MaxValue));
        command.Parameters.Add(new NpgsqlParameter<int>("limit", limit));
        return await ReadMessagesAsync(command).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ChatMessage>> ReadRangeAsync(string roomId, long fromSeq, long toSeq)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        if (toSeq < fromSeq)
        {
            return [];
        }
        await using var command = DataSource.CreateCommand(ReadRangeSql);
        command.Parameters.Add(new NpgsqlParameter<string>("room_id", roomId));
        command.Parameters.Add(new NpgsqlParameter<long>("from_seq", fromSeq));
        command.Parameters.Add(new NpgsqlParameter<long>("to_seq", toSeq));
        return await ReadMessagesAsync(command).ConfigureAwait(false);
    }

    public async Task<long> GetLastSeqAsync(string roomId)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        await using var command = DataSource.CreateCommand(LastSeqSql);
        command.Parameters.Add(new NpgsqlParameter<string>("room_id", roomId));
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    private protected override Exception BatchFailed(int count, Exception error) =>
        new ChatJournalException($"The chat journal could not store {count} message(s).", error);

    /// <returns>The appends whose seq was already held by a different message: those fail, the others are stored.</returns>
    private protected override async Task<IReadOnlyDictionary<int, Exception>> WriteBatchAsync(IReadOnlyList<(string RoomId, ChatMessage Message)> batch)
    {
        var count = batch.Count;
        var roomIds = new string[count];
        var seqs = new long[count];
        var userIds = new string[count];
        var texts = new string[count];
        var sentAts = new DateTime[count];
        var clientMessageIds = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var (roomId, message) = batch[i];
            roomIds[i] = roomId;
            seqs[i] = message.Seq;
            userIds[i] = message.UserId;
            texts[i] = message.Text;
            sentAts[i] = message.SentAt.UtcDateTime;
            clientMessageIds[i] = message.ClientMessageId;
        }

        var columns = new Columns(roomIds, seqs, userIds, texts, sentAts, clientMessageIds);
        int inserted;
        await using (var insert = DataSource.CreateCommand(InsertSql))
        {
            columns.AddTo(insert, withContentOnly: false);
            inserted = await insert.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        if (inserted == count)
        {
            return NoneRefused;
        }

        // Some rows were there already: an earlier attempt of the same messages (fine: they are stored) or another
        // message under the same seq (that append fails rather than being acknowledged without being stored).
        var taken = new HashSet<(string RoomId, long Seq)>();
        await using (var differing = DataSource.CreateCommand(DifferingSql))
        {
            columns.AddTo(differing, withContentOnly: true);
            await using var reader = await differing.ExecuteReaderAsync().ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                taken.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }
        if (taken.Count == 0)
        {
            return NoneRefused;
        }
        var refused = new Dictionary<int, Exception>();
        for (var i = 0; i < count; i++)
        {
            var (roomId, message) = batch[i];
            if (taken.Contains((roomId, message.Seq)))
            {
                refused[i] = new ChatJournalException($"Seq {message.Seq} of room '{roomId}' is already held by another message; this one was not stored.");
            }
        }
        return refused;
    }

    /// <summary>A batch as one array per column: the statements' parameters.</summary>
    private sealed record Columns(string[] RoomIds, long[] Seqs, string[] UserIds, string[] Texts, DateTime[] SentAts, string?[] ClientMessageIds)
    {
        /// <param name="withContentOnly">Key, author and text only (what <see cref="DifferingSql"/> compares).</param>
        public void AddTo(NpgsqlCommand command, bool withContentOnly)
        {
            command.Parameters.Add(new NpgsqlParameter<string[]>("room_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = RoomIds });
            command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = Seqs });
            command.Parameters.Add(new NpgsqlParameter<string[]>("user_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = UserIds });
            command.Parameters.Add(new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = Texts });
            if (!withContentOnly)
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime[]>("sent_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = SentAts });
                command.Parameters.Add(new NpgsqlParameter<string?[]>("client_message_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ClientMessageIds });
            }
        }
    }

    private static async Task<IReadOnlyList<ChatMessage>> ReadMessagesAsync(NpgsqlCommand command)
    {
        var messages = new List<ChatMessage>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            messages.Add(new ChatMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return messages;
    }
}
