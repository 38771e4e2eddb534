namespace OrleansSafety.Contracts.Grains;

/// <summary>
/// Measuring aids for the load tool (src/LoadTest), never used by the domain: a trivial grain call that gives the
/// Orleans ceiling through the same gateway path as chat, and the hosting silo's memory figures for the memory test.
/// </summary>
[Alias("benchmark")]
public interface IBenchmarkGrain : IGrainWithStringKey
{
    /// <summary>Does nothing: one grain call's worth of messaging, scheduling and serialization.</summary>
    [Alias("ping")]
    Task<long> PingAsync(long value);

    /// <summary>
    /// Memory and activation figures of the silo this grain lives on. With <paramref name="collectFirst"/> a full
    /// blocking GC runs first, so the heap figure is live data rather than garbage (costly: only for measurements).
    /// </summary>
    [Alias("silo-stats")]
    Task<SiloMemoryStats> GetSiloStatsAsync(bool collectFirst);
}

[GenerateSerializer, Immutable, Alias("silo-memory-stats")]
public sealed record SiloMemoryStats(
    [property: Id(0)] string SiloAddress,
    [property: Id(1)] int ProcessId,
    [property: Id(2)] long WorkingSetBytes,
    [property: Id(3)] long GcHeapBytes,
    [property: Id(4)] long GcCommittedBytes,
    [property: Id(5)] int Gen0Collections,
    [property: Id(6)] int Gen1Collections,
    [property: Id(7)] int Gen2Collections,
    [property: Id(8)] TimeSpan TotalProcessorTime,
    [property: Id(9)] double GcPauseTimePercentage);
