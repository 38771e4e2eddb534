namespace OrleansSafety.AllocationProfile;

/// <summary>
/// Allocated bytes by type, by the innermost frame of our own code (who asked for it, whichever library did the
/// allocating), by the allocating frame itself, and by whole call paths.
/// </summary>
internal sealed class AllocationReport
{
    private const string OwnCodePrefix = "OrleansSafety.";
    private const int PathDepth = 8;

    private readonly Dictionary<string, long> _byType = [];
    private readonly Dictionary<string, long> _byOwnFrame = [];
    private readonly Dictionary<string, long> _byLeaf = [];
    private readonly Dictionary<string, long> _byPath = [];
    private long _total;
    private int _samples;

    public void Add(string? typeName, long bytes, IReadOnlyList<string> frames)
    {
        _total += bytes;
        _samples++;
        AddTo(_byType, string.IsNullOrEmpty(typeName) ? "(unnamed type)" : typeName, bytes);
        AddTo(_byLeaf, frames.Count > 0 ? frames[0] : "(no stack)", bytes);
        AddTo(_byOwnFrame, frames.FirstOrDefault(f => f.StartsWith(OwnCodePrefix, StringComparison.Ordinal)) ?? "(none of ours)", bytes);
        AddTo(_byPath, string.Join("\n      <- ", frames.Take(PathDepth)), bytes);
    }

    public void Print(TextWriter output, int top, TimeSpan duration)
    {
        output.WriteLine($"{_samples:N0} allocation samples, {_total / 1048576.0:N1} MiB sampled over {duration.TotalSeconds:N1} s " +
                         $"({_total / 1048576.0 / Math.Max(duration.TotalSeconds, 0.001):N1} MiB/s)");
        PrintTable(output, "by type", _byType, top);
        PrintTable(output, "by the innermost frame of our code (OrleansSafety.*)", _byOwnFrame, top);
        PrintTable(output, "by allocating frame", _byLeaf, top);
        PrintTable(output, $"by call path (innermost {PathDepth} frames)", _byPath, top / 2);
    }

    private void PrintTable(TextWriter output, string title, Dictionary<string, long> table, int top)
    {
        output.WriteLine();
        output.WriteLine($"== {title}");
        output.WriteLine("     %      MiB  ");
        foreach (var (key, bytes) in table.OrderByDescending(entry => entry.Value).Take(top))
        {
            output.WriteLine($"{100.0 * bytes / Math.Max(_total, 1),6:N1} {bytes / 1048576.0,8:N1}  {key}");
        }
    }

    private static void AddTo(Dictionary<string, long> table, string key, long bytes) =>
        table[key] = table.GetValueOrDefault(key) + bytes;
}
