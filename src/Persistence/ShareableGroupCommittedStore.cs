using Microsoft.Extensions.Logging;
using Npgsql;

namespace OrleansSafety.Persistence;

/// <summary>
/// A group-committed store whose batch is a list of statements (<see cref="PreparedWrites"/>), so that its writes
/// can go out either in batches of its own or, given a <see cref="SharedGroupCommit"/>, in batches shared with other
/// such stores: one round trip and one transaction for all of them.
/// </summary>
/// <typeparam name="T">One queued write.</typeparam>
public abstract class ShareableGroupCommittedStore<T> : GroupCommittedStore<T>, ISharedCommitMember
    where T : notnull
{
    private readonly SharedGroupCommit? _shared;

    /// <param name="shared">Null: the store commits its own batches, with <paramref name="options"/>.</param>
    private protected ShareableGroupCommittedStore(
        NpgsqlDataSource dataSource, string name, GroupCommitOptions options, ILogger? logger, SharedGroupCommit? shared)
        : base(dataSource, name, options, logger, ownCommitter: shared is null)
    {
        _shared = shared;
    }

    /// <summary>The committer this store shares with others; null when it commits its own batches.</summary>
    internal SharedGroupCommit? SharedCommit => _shared;

    /// <summary>Batches that stored at least one write (when shared: batches of any store).</summary>
    internal override long BatchesWritten => _shared?.BatchesWritten ?? base.BatchesWritten;

    /// <summary>Whether a write may be sent again after a transient error left its batch's fate unknown.</summary>
    private protected virtual bool MayRepeatWrites => true;

    bool ISharedCommitMember.MayRepeatWrites => MayRepeatWrites;

    PreparedWrites ISharedCommitMember.Prepare(IReadOnlyList<object> writes) => Prepare(writes.Select(w => (T)w).ToList());

    private protected override ValueTask EnqueueAsync(T item) => _shared?.AppendAsync(this, item) ?? base.EnqueueAsync(item);

    /// <summary>The statements that store these writes, and how to read which of them were refused.</summary>
    private protected abstract PreparedWrites Prepare(IReadOnlyList<T> writes);

    private protected sealed override async Task<IReadOnlyDictionary<int, Exception>> WriteBatchAsync(IReadOnlyList<T> batch) =>
        (await PreparedWrites.ExecuteAsync(DataSource, [Prepare(batch)]).ConfigureAwait(false))[0];
}
