namespace OrleansSafety.Contracts.Model;

/// <summary>
/// Where an open case stands in the claim order of SPEC §2: highest priority first, oldest first among equals, then
/// by id, so any two heads compare the same way everywhere. <see cref="Rank"/> is the priority without its age term
/// minus the aging rate × creation time: it never goes stale, so heads read at different moments still compare.
/// </summary>
[GenerateSerializer, Immutable, Alias("queue-head")]
public readonly record struct QueueHead(
    [property: Id(0)] double Rank,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] string CaseId) : IComparable<QueueHead>
{
    /// <summary>Negative when this case is claimed before <paramref name="other"/>.</summary>
    public int CompareTo(QueueHead other)
    {
        var byRank = other.Rank.CompareTo(Rank);
        if (byRank != 0)
        {
            return byRank;
        }
        var byAge = CreatedAt.CompareTo(other.CreatedAt);
        return byAge != 0 ? byAge : string.CompareOrdinal(CaseId, other.CaseId);
    }

    /// <summary>True when <paramref name="left"/> is claimed before <paramref name="right"/>.</summary>
    public static bool operator <(QueueHead left, QueueHead right) => left.CompareTo(right) < 0;

    public static bool operator >(QueueHead left, QueueHead right) => left.CompareTo(right) > 0;

    public static bool operator <=(QueueHead left, QueueHead right) => left.CompareTo(right) <= 0;

    public static bool operator >=(QueueHead left, QueueHead right) => left.CompareTo(right) >= 0;
}

/// <summary>
/// What a queue partition answered a claim: the case it granted, or — when it had none to grant — its head as it is
/// now (null when it is empty), so the agent's view of the partitions stays fresh without asking them all again.
/// </summary>
[GenerateSerializer, Immutable, Alias("claim-attempt")]
public sealed record ClaimAttempt(
    [property: Id(0)] CaseSummary? Granted,
    [property: Id(1)] QueueHead? Head)
{
    public static ClaimAttempt Won(CaseSummary granted) => new(granted, null);

    public static ClaimAttempt Refused(QueueHead? head) => new(null, head);
}
