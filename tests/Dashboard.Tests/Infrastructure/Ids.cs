namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>
/// Fresh ids for every test: the cluster (and its queue) is shared by the whole collection. Short suffixes keep the
/// screenshots readable.
/// </summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}
