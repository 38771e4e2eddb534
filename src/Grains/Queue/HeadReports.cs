namespace OrleansSafety.Grains.Queue;

/// <summary>
/// What a queue partition has told the queue board, and when it must tell it again. The board's view of a partition
/// holds while the head is unchanged and no lease ends before the reported <see cref="PartitionHead.NextLapse"/>
/// (claims ask the partition itself once that time has passed). So a new head is always reported, a lease ending
/// earlier than the reported one too, but a lease that goes away is not: the reported lapse is then merely early,
/// which costs one claim one extra question, after which the partition reports again.
/// </summary>
internal sealed class HeadReports
{
    private readonly Guid _epoch = Guid.NewGuid();
    private long _version;
    private PartitionHead? _reported;

    /// <summary>A report to send now, or null when the board's view still holds.</summary>
    public PartitionHead? Due(QueueHead? head, DateTimeOffset? nextLapse, DateTimeOffset now)
    {
        if (_reported is { } last && last.Head == head && !EndsBefore(nextLapse, last.NextLapse)
            && (last.NextLapse is not { } reportedLapse || reportedLapse > now || reportedLapse == nextLapse))
        {
            return null;
        }
        return Describe(head, nextLapse);
    }

    /// <summary>The partition as it is now, as a report (a new version only if it changed since the last one).</summary>
    public PartitionHead Describe(QueueHead? head, DateTimeOffset? nextLapse) =>
        _reported is { } last && last.Head == head && last.NextLapse == nextLapse
            ? last
            : _reported = new PartitionHead(_epoch, ++_version, head, nextLapse);

    /// <summary>True when <paramref name="lapse"/> comes before <paramref name="reported"/>; null is never.</summary>
    private static bool EndsBefore(DateTimeOffset? lapse, DateTimeOffset? reported) =>
        lapse is { } at && (reported is not { } known || at < known);
}
