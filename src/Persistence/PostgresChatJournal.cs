using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The chat journal in PostgreSQL, with group commit: appends from every room of the silo queue up, and a few
/// writers each take whatever is queued (up to <see cref="ChatJournalOptions.MaxBatchSize"/>) and store it in one
/// statement, one round trip and one commit. An append completes only once its batch has committed, and fails
/// (never acknowledges) when its batch could not be stored. Per-message cost depends neither on a room's history
/// nor on the number of rooms: one primary-key insert each, amortised round trip and fsync.
/// </summary>
/// <remarks>
/// Inserts use ON CONFLICT DO NOTHING on (room_id, seq), so an append retried after a lost acknowledgement (or a
/// batch retried after a transient error) neither fails nor duplicates. The same statement reports any seq that
/// was already held by a *different* message (two activations of one room during a split brain): that append
/// fails instead of being acknowledged without being stored.
/// Binary COPY would be a little faster but cannot skip conflicts, so one re-sent row would fail its whole batch.
/// Disposing completes the queue and waits until everything queued is written.
/// </remarks>
public sealed partial class PostgresChatJournal : IChatJournal, IAsyncDisposable, IDisposable
{
    // unnest() turns the column arrays into rows: one statement text whatever the batch size, so PostgreSQL
    // parses and plans it once per connection, and 6 parameters instead of 6 per row.
    // The outer SELECT sees the table as it was before this statement's insert, so it finds exactly the rows that
    // conflicted with an earlier message and differ from the one being appended.
    private const string InsertSql = """
        WITH batch AS (
            SELECT * FROM unnest(@room_ids, @seqs, @user_ids, @texts, @sent_ats, @client_message_ids)
                AS b (room_id, seq, user_id, text, sent_at, client_message_id)),
        inserted AS (
            INSERT INTO chat_messages (room_id, seq, user_id, text, sent_at, client_message_id)
            SELECT room_id, seq, user_id, text, sent_at, client_message_id FROM batch
            ON CONFLICT (room_id, seq) DO NOTHING)
        SELECT b.room_id, b.seq
        FROM batch b JOIN chat_messages c ON c.room_id = b.room_id AND c.seq = b.seq
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

    private readonly NpgsqlDataSource _dataSource;
    private readonly ChatJournalOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<PendingAppend> _queue;
    private readonly Task[] _writers;
    private int _disposed;
    private long _batchesWritten;

    public PostgresChatJournal(NpgsqlDataSource dataSource, ChatJournalOptions? options = null, ILogger<PostgresChatJournal>? logger = null)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _options = options ?? new ChatJournalOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Writers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxAttempts, 1);
        _logger = logger ?? NullLogger<PostgresChatJournal>.Instance;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(Math.Max(_options.QueueCapacity, _options.MaxBatchSize))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = _options.Writers == 1,
            SingleWriter = false,
        });
        // Task.Run: the journal is often first resolved inside a grain activation, and writer loops started there
        // would capture that activation's scheduler.
        _writers = Enumerable.Range(0, _options.Writers).Select(_ => Task.Run(RunWriterAsync)).ToArray();
    }

    /// <summary>Statements that stored at least one batch (tests check that group commit groups).</summary>
    internal long BatchesWritten => Interlocked.Read(ref _batchesWritten);

    public ValueTask AppendAsync(string roomId, ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(message);
        // A row PostgreSQL would reject would fail every other message of its batch: refuse it here, alone.
        ChatRowValidator.ThrowIfUnstorable(roomId, message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var pending = new PendingAppend(roomId, message);
        return _queue.Writer.TryWrite(pending) ? new ValueTask(pending.Completion.Task) : EnqueueSlowlyAsync(pending);
    }

    public async Task<IReadOnlyList<ChatMessage>> ReadAsync(string roomId, long? beforeSeq, int limit)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        if (limit <= 0)
        {
            return [];
        }
        await using var command = _dataSource.CreateCommand(ReadBeforeSql);
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
        await using var command = _dataSource.CreateCommand(ReadRangeSql);
        command.Parameters.Add(new NpgsqlParameter<string>("room_id", roomId));
        command.Parameters.Add(new NpgsqlParameter<long>("from_seq", fromSeq));
        command.Parameters.Add(new NpgsqlParameter<long>("to_seq", toSeq));
        return await ReadMessagesAsync(command).ConfigureAwait(false);
    }

    public async Task<long> GetLastSeqAsync(string roomId)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        await using var command = _dataSource.CreateCommand(LastSeqSql);
        command.Parameters.Add(new NpgsqlParameter<string>("room_id", roomId));
        return (long)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
    }

    /// <summary>Stops taking appends and completes once everything already queued has been written (or failed).</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking appends without waiting: what is queued is still written in the background. For containers
    /// disposed synchronously; <see cref="DisposeAsync"/> (which the silo's stop uses) also waits for the writes.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }
    }

    private async ValueTask EnqueueSlowlyAsync(PendingAppend pending)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(PostgresChatJournal));
        }
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Whatever arrived while the previous batch was in flight goes out together: the busier the silo,
            // the bigger the batches, and a lone message goes out at once.
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    /// <summary>Writes a batch and completes or fails each of its appends. Never throws.</summary>
    private async Task WriteBatchAsync(List<PendingAppend> batch)
    {
        try
        {
            var taken = await InsertWithRetriesAsync(batch).ConfigureAwait(false);
            Interlocked.Increment(ref _batchesWritten);
            foreach (var pending in batch)
            {
                if (taken.Contains((pending.RoomId, pending.Message.Seq)))
                {
                    pending.Completion.TrySetException(new ChatJournalException(
                        $"Seq {pending.Message.Seq} of room '{pending.RoomId}' is already held by another message; this one was not stored."));
                }
                else
                {
                    pending.Completion.TrySetResult();
                }
            }
        }
        catch (PostgresException ex) when (batch.Count > 1 && IsRowError(ex))
        {
            // Some row broke a constraint the validator does not know of: store the others one by one, so only
            // the offending messages fail.
            LogBatchSplit(ex, batch.Count);
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending]).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, batch.Count);
            var error = new ChatJournalException($"The chat journal could not store {batch.Count} message(s).", ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    /// <returns>The (room, seq) pairs that were already held by a different message.</returns>
    private async Task<HashSet<(string RoomId, long Seq)>> InsertWithRetriesAsync(List<PendingAppend> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await InsertAsync(batch).ConfigureAwait(false);
            }
            catch (NpgsqlException ex) when (ex.IsTransient && attempt < _options.MaxAttempts)
            {
                // Safe to repeat: rows that did commit before the error are skipped by ON CONFLICT.
                LogRetry(ex, batch.Count, attempt);
                await Task.Delay(_options.RetryDelay * (1 << (attempt - 1))).ConfigureAwait(false);
            }
        }
    }

    private async Task<HashSet<(string RoomId, long Seq)>> InsertAsync(List<PendingAppend> batch)
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
            var (roomId, message) = (batch[i].RoomId, batch[i].Message);
            roomIds[i] = roomId;
            seqs[i] = message.Seq;
            userIds[i] = message.UserId;
            texts[i] = message.Text;
            sentAts[i] = message.SentAt.UtcDateTime;
            clientMessageIds[i] = message.ClientMessageId;
        }

        await using var command = _dataSource.CreateCommand(InsertSql);
        command.Parameters.Add(new NpgsqlParameter<string[]>("room_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = roomIds });
        command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seqs });
        command.Parameters.Add(new NpgsqlParameter<string[]>("user_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = userIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = texts });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("sent_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = sentAts });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("client_message_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = clientMessageIds });
        var taken = new HashSet<(string RoomId, long Seq)>();
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            taken.Add((reader.GetString(0), reader.GetInt64(1)));
        }
        return taken;
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

    /// <summary>Errors caused by a row's data (SQLSTATE classes 22 and 23), not by the connection or the schema.</summary>
    private static bool IsRowError(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat journal batch of {Count} failed on attempt {Attempt}; retrying")]
    private partial void LogRetry(Exception exception, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chat journal batch of {Count} was rejected by a row; writing its messages one by one")]
    private partial void LogBatchSplit(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Chat journal could not store a batch of {Count} message(s); their appends fail")]
    private partial void LogBatchFailed(Exception exception, int count);

    private sealed class PendingAppend(string roomId, ChatMessage message)
    {
        public string RoomId { get; } = roomId;

        public ChatMessage Message { get; } = message;

        // Continuations run elsewhere than on the writer, which must get on with the next batch.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
