namespace OrleansSafety.Grains.Queue;

/// <summary>One unresolved case in a partition's index: what the queue view shows, and what orders claims.</summary>
[GenerateSerializer, Immutable, Alias("queue-entry")]
public sealed record QueueEntry(
    [property: Id(0)] CaseSummary Summary,
    [property: Id(1)] double BasePriority)
{
    public bool IsClaimedAt(DateTimeOffset now) => Summary.Status == CaseStatus.Claimed && Summary.LeaseUntil > now;
}
