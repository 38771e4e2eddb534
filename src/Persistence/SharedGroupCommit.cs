using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// One group commit for several stores (grain state, the queue index, the audit log, user records): their writes
/// queue up together, and each batch goes out as every store's statements in one round trip and one transaction,
/// where each store alone would spend a round trip and a commit of its own. A claim writes its case, its queue row
/// and an audit row at once; here they share one commit (docs/BENCHMARKS.md, recommendation 19).
/// </summary>
/// <remarks>
/// Sharing a transaction shares its failures: a write that breaks a constraint fails the batch, which is then written
/// write by write so that only the offending write fails (as each store alone does). After a
/// transient error the batch may or may not have committed; writes of stores that must not repeat (grain state: a
/// repeat would meet its own new version) then fail with a storage fault, and the others, idempotent, are sent again.
/// A batch the server rolled back (deadlock victim) is sent again whole. The chat journal keeps its own committer:
/// its batches are the largest and its latency is chat's.
/// </remarks>
public sealed class SharedGroupCommit : IAsyncDisposable, IDisposable
{
    private readonly GroupCommitter<SharedWrite> _committer;
    private readonly NpgsqlDataSource _dataSource;

    public SharedGroupCommit(NpgsqlDataSource dataSource, SharedCommitOptions? options = null, ILogger<SharedGroupCommit>? logger = null)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _committer = new GroupCommitter<SharedWrite>(
            "shared commit",
            options ?? new SharedCommitOptions(),
            WriteBatchAsync,
            (count, error) => new StorageFaultException($"A shared batch of {count} write(s) could not be stored.", error),
            logger ?? (ILogger)NullLogger.Instance,
            write => write.Member.MayRepeatWrites);
    }

    /// <summary>Batches that stored at least one write.</summary>
    internal long BatchesWritten => _committer.BatchesWritten;

    /// <summary>Queues a member's write; completes once it is committed, fails if it could not be.</summary>
    internal ValueTask AppendAsync(ISharedCommitMember member, object write) => _committer.AppendAsync(new SharedWrite(member, write));

    /// <summary>Stops taking writes and completes once everything already queued has been written (or failed).</summary>
    public ValueTask DisposeAsync() => _committer.DisposeAsync();

    /// <summary>Stops taking writes without waiting: what is queued is still written in the background.</summary>
    public void Dispose() => _committer.Dispose();

    private async Task<IReadOnlyDictionary<int, Exception>> WriteBatchAsync(IReadOnlyList<SharedWrite> batch)
    {
        // Each member's writes in queue order, with their positions in the batch.
        var members = new List<(ISharedCommitMember Member, List<object> Writes, List<int> Positions)>();
        for (var i = 0; i < batch.Count; i++)
        {
            var index = members.FindIndex(m => ReferenceEquals(m.Member, batch[i].Member));
            if (index < 0)
            {
                members.Add((batch[i].Member, [], []));
                index = members.Count - 1;
            }
            members[index].Writes.Add(batch[i].Write);
            members[index].Positions.Add(i);
        }

        var parts = members.ConvertAll(m => m.Member.Prepare(m.Writes));
        var answers = await PreparedWrites.ExecuteAsync(_dataSource, parts).ConfigureAwait(false);
        var refused = new Dictionary<int, Exception>();
        for (var m = 0; m < members.Count; m++)
        {
            foreach (var (position, why) in answers[m])
            {
                refused[members[m].Positions[position]] = why;
            }
        }
        return refused;
    }

    private readonly record struct SharedWrite(ISharedCommitMember Member, object Write);
}
