namespace OrleansSafety.Grains.Queue;

/// <summary>A claimed case by the end of its lease: the partition finds lapsed claims from the front, not by scanning.</summary>
internal readonly record struct LeaseKey(DateTimeOffset Until, string CaseId);

internal sealed class LeaseOrder : IComparer<LeaseKey>
{
    public static readonly LeaseOrder Instance = new();

    public int Compare(LeaseKey x, LeaseKey y)
    {
        var byEnd = x.Until.CompareTo(y.Until);
        return byEnd != 0 ? byEnd : string.CompareOrdinal(x.CaseId, y.CaseId);
    }
}
