namespace OrleansSafety.Grains.Queue;

/// <summary>The claim order of SPEC §2: highest priority first, oldest first among equals, then by id for a total order.</summary>
internal readonly record struct OpenCaseKey(double Rank, DateTimeOffset CreatedAt, string CaseId);

internal sealed class OpenCaseOrder : IComparer<OpenCaseKey>
{
    public static readonly OpenCaseOrder Instance = new();

    public int Compare(OpenCaseKey x, OpenCaseKey y)
    {
        var byRank = y.Rank.CompareTo(x.Rank);
        if (byRank != 0)
        {
            return byRank;
        }
        var byAge = x.CreatedAt.CompareTo(y.CreatedAt);
        return byAge != 0 ? byAge : string.CompareOrdinal(x.CaseId, y.CaseId);
    }
}
