using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace OrleansSafety.Persistence;

/// <summary>
/// A PostgreSQL store whose writes are group-committed (<see cref="GroupCommitter{T}"/>): the chat journal, and, through
/// <see cref="ShareableGroupCommittedStore{T}"/>, the audit log, the queue index, grain state and user records. The
/// store says how a batch is written and what a failed batch's writes fail with; queueing, batching, retrying
/// transient errors (as many tries as its options allow), disposal and the batch count are the same for all of them.
/// Disposing completes the queue and waits until everything queued is written (a store whose writes go to a shared
/// committer has no queue of its own: the committer's owner flushes it).
/// </summary>
/// <typeparam name="T">One queued write.</typeparam>
public abstract class GroupCommittedStore<T> : IAsyncDisposable, IDisposable
{
    /// <summary>For batches whose writes all succeed together.</summary>
    private protected static readonly IReadOnlyDictionary<int, Exception> NoneRefused = PreparedWrites.NoneRefused;

    private readonly GroupCommitter<T>? _committer;

    /// <param name="ownCommitter">False for a store whose writes go to a committer shared with other stores.</param>
    private protected GroupCommittedStore(NpgsqlDataSource dataSource, string name, GroupCommitOptions options, ILogger? logger, bool ownCommitter = true)
    {
        DataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        // The delegates are only invoked once something is appended, i.e. after the derived constructor has run.
        _committer = ownCommitter
            ? new GroupCommitter<T>(name, options, batch => WriteBatchAsync(batch), BatchFailed, logger ?? NullLogger.Instance)
            : null;
    }

    /// <summary>Statements that stored at least one batch (tests check that group commit groups).</summary>
    internal virtual long BatchesWritten => _committer?.BatchesWritten ?? 0;

    private protected NpgsqlDataSource DataSource { get; }

    /// <summary>Stops taking writes and completes once everything already queued has been written (or failed).</summary>
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return _committer?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>
    /// Stops taking writes without waiting: what is queued is still written in the background. For containers
    /// disposed synchronously; <see cref="DisposeAsync"/> (which the silo's stop uses) also waits for the writes.
    /// </summary>
    public void Dispose()
    {
        GC.SuppressFinalize(this);
        _committer?.Dispose();
    }

    /// <summary>A column of a batch as an array parameter, for <c>unnest</c>.</summary>
    private protected static NpgsqlParameter<TValue[]> Array<TValue>(string name, NpgsqlDbType elementType, IEnumerable<TValue> values) =>
        new(name, NpgsqlDbType.Array | elementType) { TypedValue = values.ToArray() };

    /// <summary>Queues the write; completes once it is committed, fails if it could not be.</summary>
    private protected virtual ValueTask EnqueueAsync(T item) =>
        _committer?.AppendAsync(item) ?? throw new InvalidOperationException("A store without its own committer must override EnqueueAsync.");

    /// <summary>Stores a batch in one round trip (safe to repeat when retries are on) and answers, by index, the writes it refused and why.</summary>
    private protected abstract Task<IReadOnlyDictionary<int, Exception>> WriteBatchAsync(IReadOnlyList<T> batch);

    /// <summary>What every write of a batch that could not be stored fails with.</summary>
    private protected abstract Exception BatchFailed(int count, Exception error);
}
