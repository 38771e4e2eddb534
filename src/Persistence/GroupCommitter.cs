using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansSafety.Persistence;

/// <summary>Settings of a <see cref="GroupCommitter{T}"/>.</summary>
public class GroupCommitOptions
{
    /// <summary>Most items written in one round trip.</summary>
    public int MaxBatchSize { get; set; } = 2000;

    /// <summary>
    /// Batches in flight at once (each holds one pooled connection while it writes). One keeps batches largest and
    /// is cheapest per item on a 2-core machine (docs/BENCHMARKS.md, bench-exp-writers: +16 % chat per core-second
    /// over two); raise it when a commit takes longer than a batch takes to fill (slow disk, many cores).
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>Items waiting for a writer; past this, appends wait for room (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Tries per batch when the error is transient (connection lost, failover); writes must be idempotent.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second try; doubles for each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long a batch may wait, once its first item is queued, for others to join it: a millisecond at a time, for
    /// as long as items keep arriving (unless a full batch is already queued). Zero: it goes out at once, so a batch
    /// is whatever queued while the previous one was in flight. A few milliseconds make batches bigger below the peak,
    /// where they are smallest and each commit costs most per item.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.Zero;

    /// <summary>A lingering batch goes out once this long passes without a new item (and at the latest after <see cref="Linger"/>).</summary>
    public TimeSpan LingerStep { get; set; } = TimeSpan.FromMilliseconds(1);
}

/// <summary>
/// Group commit: items from every grain of the silo queue up, and a few writers each take whatever is queued (up to
/// <see cref="GroupCommitOptions.MaxBatchSize"/>) and store it with one statement, one round trip and one commit.
/// An item's task completes only once its batch has committed, and fails (never acknowledges) when it could not be
/// stored. The busier the silo, the bigger the batches; a lone item goes out at once.
/// Disposing completes the queue and waits until everything queued is written.
/// </summary>
/// <typeparam name="T">What one append stores (one row).</typeparam>
internal sealed partial class GroupCommitter<T> : IAsyncDisposable, IDisposable
{
    private readonly string _name;
    private readonly GroupCommitOptions _options;
    private readonly Func<IReadOnlyList<T>, Task<IReadOnlyDictionary<int, Exception>>> _writeBatch;
    private readonly Func<int, Exception, Exception> _batchFailure;
    private readonly Func<T, bool>? _mayRepeat;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue;
    private readonly Task[] _writers;
    private int _disposed;
    private long _batchesWritten;

    /// <param name="name">For logs: what is being written.</param>
    /// <param name="options">Batch size, writers, queue capacity, retries.</param>
    /// <param name="writeBatch">
    /// Stores a batch in one statement (safe to repeat) and answers, by index, the items it refused and why.
    /// </param>
    /// <param name="batchFailure">The exception every item of a batch that could not be stored fails with.</param>
    /// <param name="logger">Where retries and failures are reported.</param>
    /// <param name="mayRepeat">
    /// Whether an item may be written again after a transient error left its batch's fate unknown (it may have
    /// committed). Items that may not fail instead of being retried; the others are. Null: every item may.
    /// </param>
    public GroupCommitter(
        string name,
        GroupCommitOptions options,
        Func<IReadOnlyList<T>, Task<IReadOnlyDictionary<int, Exception>>> writeBatch,
        Func<int, Exception, Exception> batchFailure,
        ILogger logger,
        Func<T, bool>? mayRepeat = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Writers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttempts, 1);
        (_name, _options, _writeBatch, _batchFailure, _logger, _mayRepeat) = (name, options, writeBatch, batchFailure, logger, mayRepeat);
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(Math.Max(options.QueueCapacity, options.MaxBatchSize))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = options.Writers == 1,
            SingleWriter = false,
        });
        // Task.Run: the committer is often first resolved inside a grain activation, and writer loops started there
        // would capture that activation's scheduler.
        _writers = Enumerable.Range(0, options.Writers).Select(_ => Task.Run(RunWriterAsync)).ToArray();
    }

    /// <summary>Statements that stored at least one batch (tests check that group commit groups).</summary>
    public long BatchesWritten => Interlocked.Read(ref _batchesWritten);

    /// <summary>Queues the item; completes once it is committed, fails if it could not be.</summary>
    public ValueTask AppendAsync(T item)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var pending = new Pending(item);
        return _queue.Writer.TryWrite(pending) ? new ValueTask(pending.Completion.Task) : EnqueueSlowlyAsync(pending);
    }

    /// <summary>Stops taking items and completes once everything already queued has been written (or failed).</summary>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        await Task.WhenAll(_writers).ConfigureAwait(false);
    }

    /// <summary>Stops taking items without waiting: what is queued is still written in the background.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _queue.Writer.TryComplete();
        }
    }

    private async ValueTask EnqueueSlowlyAsync(Pending pending)
    {
        try
        {
            await _queue.Writer.WriteAsync(pending).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(_name);
        }
        await pending.Completion.Task.ConfigureAwait(false);
    }

    private async Task RunWriterAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<Pending>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await LingerAsync(reader).ConfigureAwait(false);
            // Whatever arrived while the previous batch was in flight goes out together.
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

    /// <summary>
    /// Waits, a <see cref="GroupCommitOptions.LingerStep"/> at a time and for at most <see cref="GroupCommitOptions.Linger"/>,
    /// while more items keep arriving. It stops at the first quiet step: when the callers are all waiting for this
    /// batch (a closed loop), nothing more can come, and lingering would only add its wait to every one of them.
    /// </summary>
    private async Task LingerAsync(ChannelReader<Pending> reader)
    {
        if (_options.Linger <= TimeSpan.Zero || !reader.CanCount)
        {
            return;
        }
        var lingered = TimeSpan.Zero;
        var step = _options.LingerStep > TimeSpan.Zero ? _options.LingerStep : _options.Linger;
        for (var queued = reader.Count; queued < _options.MaxBatchSize && lingered < _options.Linger; lingered += step)
        {
            await Task.Delay(step).ConfigureAwait(false);
            var now = reader.Count;
            if (now == queued)
            {
                return;
            }
            queued = now;
        }
    }

    /// <summary>Writes a batch and completes or fails each of its items. Never throws.</summary>
    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            var refused = await WriteWithRetriesAsync(batch.ConvertAll(p => p.Item)).ConfigureAwait(false);
            Interlocked.Increment(ref _batchesWritten);
            for (var i = 0; i < batch.Count; i++)
            {
                if (refused.TryGetValue(i, out var why))
                {
                    batch[i].Completion.TrySetException(why);
                }
                else
                {
                    batch[i].Completion.TrySetResult();
                }
            }
        }
        catch (PostgresException ex) when (batch.Count > 1 && IsRowError(ex))
        {
            // Some row broke a constraint nobody checked beforehand: store the others one by one, so only the
            // offending items fail.
            LogBatchSplit(ex, _name, batch.Count);
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending]).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            LogBatchFailed(ex, _name, batch.Count);
            var error = _batchFailure(batch.Count, ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    private async Task<IReadOnlyDictionary<int, Exception>> WriteWithRetriesAsync(List<T> items)
    {
        // Once a retry has dropped writes that may not be repeated: the positions still being tried, and the answers
        // so far. Null until then, so a batch that succeeds at once allocates nothing for it.
        List<int>? trying = null;
        Dictionary<int, Exception>? refused = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var answer = await _writeBatch(trying is null ? items : trying.ConvertAll(i => items[i])).ConfigureAwait(false);
                if (trying is null || refused is null)
                {
                    return answer;
                }
                foreach (var (position, why) in answer)
                {
                    refused[trying[position]] = why;
                }
                return refused;
            }
            catch (NpgsqlException ex) when (MayTryAgain(ex, attempt))
            {
                LogRetry(ex, _name, trying?.Count ?? items.Count, attempt);
                if (!WasRolledBack(ex) && _mayRepeat is not null)
                {
                    // The batch may have committed: writes that must not be repeated fail (their callers learn the
                    // outcome is unknown and re-read); the rest are tried again.
                    trying ??= Enumerable.Range(0, items.Count).ToList();
                    refused ??= [];
                    var unknown = _batchFailure(1, ex);
                    foreach (var i in trying.Where(i => !_mayRepeat(items[i])))
                    {
                        refused[i] = unknown;
                    }
                    trying.RemoveAll(i => !_mayRepeat(items[i]));
                    if (trying.Count == 0)
                    {
                        return refused;
                    }
                }
                await Task.Delay(_options.RetryDelay * (1 << (attempt - 1))).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A transient error, as often as the store's <see cref="GroupCommitOptions.MaxAttempts"/> allows; and a batch the
    /// server rolled back as a deadlock victim or a serialization failure (40P01, 40001) up to
    /// <see cref="MaxRolledBackAttempts"/> times whatever those options say: nothing of it was stored, so trying again is
    /// safe even for a store that must not repeat a batch whose fate is unknown (grain state). Two batches (two silos,
    /// or two writers of one silo) that lock overlapping rows in opposite orders deadlock, and the server aborts one.
    /// </summary>
    private bool MayTryAgain(NpgsqlException ex, int attempt) =>
        WasRolledBack(ex)
            ? attempt < Math.Max(MaxRolledBackAttempts, _options.MaxAttempts)
            : ex.IsTransient && attempt < _options.MaxAttempts;

    /// <summary>The server rolled the batch back itself (deadlock victim, serialization failure): nothing of it is stored.</summary>
    private static bool WasRolledBack(NpgsqlException ex) => ex is PostgresException { SqlState: "40P01" or "40001" };

    internal const int MaxRolledBackAttempts = 4;

    /// <summary>Errors caused by a row's data (SQLSTATE classes 22 and 23), not by the connection or the schema.</summary>
    private static bool IsRowError(PostgresException ex) =>
        ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: batch of {Count} failed on attempt {Attempt}; retrying")]
    private partial void LogRetry(Exception exception, string name, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Name}: batch of {Count} was rejected by a row; writing its items one by one")]
    private partial void LogBatchSplit(Exception exception, string name, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Name}: could not store a batch of {Count}; their appends fail")]
    private partial void LogBatchFailed(Exception exception, string name, int count);

    private sealed class Pending(T item)
    {
        public T Item { get; } = item;

        // Continuations run elsewhere than on the writer, which must get on with the next batch.
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
