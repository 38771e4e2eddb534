using System.Diagnostics;

namespace OrleansSafety.Grains.Benchmark;

/// <summary>
/// The load tool's probe (see <see cref="IBenchmarkGrain"/>). Stateless and reentrant-free on purpose: a ping costs
/// what any grain call costs and nothing more, so the gateway's ping endpoint is the Orleans ceiling of chat.
/// </summary>
public sealed class BenchmarkGrain(ILocalSiloDetails silo) : Grain, IBenchmarkGrain
{
    public Task<long> PingAsync(long value) => Task.FromResult(value);

    public Task<SiloMemoryStats> GetSiloStatsAsync(bool collectFirst)
    {
        if (collectFirst)
        {
            // A compacting full collection, so that "GC heap" is what is reachable (grain activations and their
            // state) rather than whatever garbage the last load left behind.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        using var process = Process.GetCurrentProcess();
        var info = GC.GetGCMemoryInfo();
        return Task.FromResult(new SiloMemoryStats(
            silo.SiloAddress.ToString(),
            Environment.ProcessId,
            process.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            info.TotalCommittedBytes,
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            process.TotalProcessorTime,
            GC.GetTotalPauseDuration() / (DateTime.Now - process.StartTime) * 100));
    }
}
