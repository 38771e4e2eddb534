using System.Diagnostics;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>Runs one measured phase: progress lines while it runs, then its results with the CPU split and database counters.</summary>
public static class PhaseRunner
{
    public static async Task<PhaseResult> MeasureAsync(
        RunContext run,
        string name,
        string mode,
        Func<PhaseMetrics, Task> body,
        double? targetRate = null,
        int? concurrency = null,
        int rooms = 0,
        int history = 0)
    {
        var metrics = new PhaseMetrics(name);
        var cpuBefore = run.Cpu.Take();
        var dbBefore = run.Database is null ? null : await run.Database.TakeAsync(CancellationToken.None);
        var runtimeBefore = run.GatewayRuntime is null ? null : await run.GatewayRuntime.TakeAsync(CancellationToken.None);
        var toolPausedBefore = GC.GetTotalPauseDuration();
        var started = Stopwatch.GetTimestamp();
        await using (new ProgressPrinter(metrics, run.Output))
        {
            await body(metrics);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var toolPaused = GC.GetTotalPauseDuration() - toolPausedBefore;
        var cpu = Profiling.CpuSampler.Percent(cpuBefore, run.Cpu.Take());
        var db = run.Database is null ? null : Profiling.DatabaseProbe.Between(dbBefore, await run.Database.TakeAsync(CancellationToken.None));
        var runtimeAfter = run.GatewayRuntime is null ? null : await run.GatewayRuntime.TakeAsync(CancellationToken.None);

        var histograms = metrics.Ops.ToDictionary(o => o.Name, o => o.Total(), StringComparer.Ordinal);
        var main = metrics.Ops.MaxBy(o => o.Ok);
        var mainRate = main is null ? 0 : main.Ok / seconds;
        var ours = cpu.Where(c => c.Key is not ("machine" or "others")).ToList();
        var ourCores = ours.Sum(c => c.Value) / 100;
        return new PhaseResult
        {
            PerCoreSecond = ourCores > 0 ? Math.Round(mainRate / ourCores) : 0,
            CpuMicrosPerOp = mainRate > 0
                ? ours.ToDictionary(c => c.Key, c => Math.Round(c.Value / 100 / mainRate * 1e6, 1), StringComparer.Ordinal)
                : new Dictionary<string, double>(),
            Name = name,
            Mode = mode,
            Seconds = Math.Round(seconds, 2),
            TargetRate = targetRate,
            Concurrency = concurrency,
            Rooms = rooms,
            HistoryPerRoom = history,
            Ops = metrics.Ops.Select(o => OpResult.From(o, histograms[o.Name], seconds)).ToList(),
            CpuPercent = cpu,
            Database = db,
            GatewayRuntime = Profiling.GatewayRuntimeProbe.Between(runtimeBefore, runtimeAfter, main?.Ok ?? 0),
            ToolGcPauseMsPerSecond = Math.Round(toolPaused.TotalMilliseconds / seconds, 1),
            Timeline = metrics.Timeline.ToList(),
            Histograms = histograms,
        };
    }

    /// <summary>Unmeasured load before a measured phase: JIT, connection pools, grain activations, PostgreSQL caches.</summary>
    public static async Task WarmUpAsync(RunContext run, string name, Func<PhaseMetrics, Task> body, double? seconds = null)
    {
        var warmup = seconds ?? run.Options.WarmupSeconds;
        if (warmup <= 0)
        {
            return;
        }
        await run.Output.WriteLineAsync($"[{name}] warming up for {warmup:0.#} s");
        var metrics = new PhaseMetrics(name + "-warmup");
        run.Warmups[name] = metrics;
        await using (new ProgressPrinter(metrics, run.Output))
        {
            await body(metrics);
        }
        var done = string.Join(", ", metrics.Ops.Where(op => op.Ok > 0).Select(op => $"{op.Name} {op.Ok}"));
        await run.Output.WriteLineAsync($"[{name}] warm-up acknowledged: {(done.Length > 0 ? done : "nothing")}");
    }
}
