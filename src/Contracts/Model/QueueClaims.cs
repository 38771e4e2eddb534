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

/// <summary>
/// A partition's report to the queue board: its head (null when it has nothing to claim) and the earliest end of a
/// lease it holds (null when none), after which its head may change by time alone — a view older than that is asked
/// again. <see cref="Epoch"/> names the partition's activation and <see cref="Version"/> counts its reports, so a late
/// report never overwrites a newer one of the same activation.
/// </summary>
[GenerateSerializer, Immutable, Alias("partition-head")]
public sealed record PartitionHead(
    [property: Id(0)] Guid Epoch,
    [property: Id(1)] long Version,
    [property: Id(2)] QueueHead? Head,
    [property: Id(3)] DateTimeOffset? NextLapse)
{
    /// <summary>True when this report replaces <paramref name="known"/>: it is the first, from a newer activation, or later.</summary>
    public bool Supersedes(PartitionHead? known) => known is null || known.Epoch != Epoch || Version > known.Version;
}

/// <summary>The queue board's reports, indexed by partition number; an entry is null until its partition reported.</summary>
[GenerateSerializer, Immutable, Alias("queue-board-view")]
public sealed record QueueBoardView([property: Id(0)] IReadOnlyList<PartitionHead?> Partitions);
