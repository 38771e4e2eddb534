namespace OrleansSafety.Grains.Queue;

/// <summary>Which queue partition a case belongs to: a stable hash of its id, the same on every silo and run.</summary>
public static class QueuePartitioning
{
    public static int PartitionOf(string caseId, int partitions)
    {
        // FNV-1a: string.GetHashCode is randomised per process, which would move cases between restarts.
        var hash = 2166136261u;
        foreach (var c in caseId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % (uint)Math.Max(1, partitions));
    }
}
