using System.Diagnostics;
using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Scenario;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>
/// Memory per room: the silo's live GC heap and RSS (read inside the silo by the benchmark grain, after a full
/// compacting GC) before and after activating N rooms and posting M messages into each. Straight through the
/// Orleans client, which loads millions of messages several times faster than HTTP would. The rooms' chatters are a
/// shared pool of 1,000 users (5 per room), so user grains add a fixed amount, not one per room.
/// </summary>
public static class MemoryPhase
{
    private const int ChatterPool = 1000;
    private const int ChattersPerRoom = 5;

    public static async Task<MemoryResult> RunAsync(RunContext run, OrleansTarget orleans, CancellationToken ct)
    {
        var o = run.Options;
        var before = await orleans.GetSiloStatsAsync(collectFirst: true);
        var activationsBefore = await orleans.GetActivationCountAsync();
        await run.Output.WriteLineAsync(
            $"[memory] before: RSS {Mib(before.WorkingSetBytes)} MiB, GC heap {Mib(before.GcHeapBytes)} MiB, {activationsBefore} activations");

        string Room(long i) => $"{o.RunId}-m{i}";
        string Chatter(long room, long message) => $"{o.RunId}-mu{(room * 7 + message % ChattersPerRoom) % ChatterPool}";

        var started = Stopwatch.GetTimestamp();
        var metrics = new PhaseMetrics("memory");
        await LoadDriver.RunCountAsync(o.MemoryRooms, 256, metrics, metrics.Op("configure-room"),
            (i, _) => orleans.ConfigureRoomAsync(Room(i), $"{o.RunId}-mown{i}", [], ct), ct);
        var total = (long)o.MemoryRooms * o.MemoryMessages;
        await using (new ProgressPrinter(metrics, run.Output))
        {
            // Message k goes to room k mod N: every room fills at once, as they would in a live silo.
            await LoadDriver.RunCountAsync(total, 1024, metrics, metrics.Op("chat"), async (k, _) =>
            {
                var room = k % o.MemoryRooms;
                await orleans.PostMessageAsync(Room(room), Chatter(room, k / o.MemoryRooms), TextCorpus.Line((int)(k & int.MaxValue)), ct);
            }, ct);
        }
        var loadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var failed = metrics.Ops.Sum(op => op.ErrorCount + op.RefusedCount);
        if (failed > 0)
        {
            await run.Output.WriteLineAsync($"[memory] {failed} operations failed while loading; the figures below are for fewer messages");
        }

        var after = await orleans.GetSiloStatsAsync(collectFirst: true);
        var activationsAfter = await orleans.GetActivationCountAsync();
        var result = new MemoryResult(
            o.MemoryRooms,
            o.MemoryMessages,
            Math.Round(loadSeconds, 1),
            activationsBefore,
            activationsAfter,
            before.WorkingSetBytes,
            after.WorkingSetBytes,
            before.GcHeapBytes,
            after.GcHeapBytes,
            Math.Round((after.WorkingSetBytes - before.WorkingSetBytes) / (double)o.MemoryRooms),
            Math.Round((after.GcHeapBytes - before.GcHeapBytes) / (double)o.MemoryRooms));
        await run.Output.WriteLineAsync(
            $"[memory] after {o.MemoryRooms} rooms × {o.MemoryMessages} messages ({loadSeconds:0} s): RSS {Mib(after.WorkingSetBytes)} MiB, "
            + $"GC heap {Mib(after.GcHeapBytes)} MiB, {activationsAfter} activations; per room {result.GcHeapBytesPerRoom:0} B heap, "
            + $"{result.WorkingSetBytesPerRoom:0} B RSS");
        return result;
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);
}
