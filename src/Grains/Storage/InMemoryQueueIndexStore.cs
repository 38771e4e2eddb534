using System.Collections.Concurrent;
using OrleansSafety.Grains.Queue;

namespace OrleansSafety.Grains.Storage;

/// <summary>The queue index of the no-database mode: it outlives a partition's activation, not the process.</summary>
public sealed class InMemoryQueueIndexStore : IQueueIndexStore
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, QueueEntry>> _partitions = new();

    public Task<IReadOnlyList<QueueEntry>> LoadAsync(int partition) =>
        Task.FromResult<IReadOnlyList<QueueEntry>>(Partition(partition).Values.ToList());

    public Task UpsertAsync(int partition, QueueEntry entry)
    {
        Partition(partition)[entry.Summary.CaseId] = entry;
        return Task.CompletedTask;
    }

    public Task RemoveAsync(int partition, string caseId)
    {
        Partition(partition).TryRemove(caseId, out _);
        return Task.CompletedTask;
    }

    private ConcurrentDictionary<string, QueueEntry> Partition(int partition) =>
        _partitions.GetOrAdd(partition, _ => new ConcurrentDictionary<string, QueueEntry>(StringComparer.Ordinal));
}
