namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Stateless randomness: the choice for operation k of a stream depends only on (seed, stream, k), so the schedule
/// is the same in every run with the same seed, however the operations interleave.
/// </summary>
public static class Hash
{
    public static ulong Of(int seed, int stream, long index)
    {
        // SplitMix64 finalizer over the three inputs.
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + (ulong)index * 0x94D049BB133111EBUL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, n) from bits of <paramref name="h"/> starting at <paramref name="shift"/>.</summary>
    public static int Pick(ulong h, int n, int shift = 0) => (int)((h >> shift) % (ulong)n);
}
