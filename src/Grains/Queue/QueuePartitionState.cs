namespace OrleansSafety.Grains.Queue;

/// <summary>A partition's index of its unresolved cases, persisted so the queue comes back whole after a restart.</summary>
[GenerateSerializer, Alias("queue-partition-state")]
public sealed class QueuePartitionState
{
    [Id(0)] public Dictionary<string, QueueEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Immutable, Alias("queue-entry")]
public sealed record QueueEntry(
    [property: Id(0)] CaseSummary Summary,
    [property: Id(1)] double BasePriority)
{
    public bool IsClaimedAt(DateTimeOffset now) => Summary.Status == CaseStatus.Claimed && Summary.LeaseUntil > now;
}
