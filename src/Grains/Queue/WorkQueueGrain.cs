using Microsoft.Extensions.Options;

namespace OrleansSafety.Grains.Queue;

/// <summary>The whole queue at a glance, merged from every partition.</summary>
[StatelessWorker, Reentrant]
public sealed class WorkQueueGrain(IOptions<ModerationOptions> options) : Grain, IWorkQueueGrain
{
    public async Task<QueueOverview> GetOverviewAsync(int top)
    {
        var parts = await Task.WhenAll(Enumerable.Range(0, options.Value.QueuePartitions)
            .Select(p => GrainFactory.Get<IQueuePartitionGrain>(p).GetOverviewAsync(top)));
        return new QueueOverview(
            parts.Sum(p => p.Open),
            parts.Sum(p => p.Claimed),
            parts.Length == 0 ? 0 : parts.Max(p => p.OldestOpenAgeSeconds),
            parts.SelectMany(p => p.Items)
                .OrderBy(s => s.Status == CaseStatus.Claimed)
                .ThenByDescending(s => s.Priority)
                .ThenBy(s => s.CreatedAt)
                .Take(top)
                .ToList());
    }
}
