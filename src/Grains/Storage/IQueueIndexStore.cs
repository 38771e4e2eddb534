using OrleansSafety.Grains.Queue;

namespace OrleansSafety.Grains.Storage;

/// <summary>
/// Where the work queue's index lives: one row per unresolved case, written one case at a time. A partition's
/// index as one grain-state blob would be rewritten whole on every flag and claim (O(open cases) per write); this
/// keeps each write O(1) and lets a partition reload its slice after a restart.
/// </summary>
public interface IQueueIndexStore
{
    Task<IReadOnlyList<QueueEntry>> LoadAsync(int partition);

    /// <summary>Completes once the entry is durable.</summary>
    Task UpsertAsync(int partition, QueueEntry entry);

    Task RemoveAsync(int partition, string caseId);
}
