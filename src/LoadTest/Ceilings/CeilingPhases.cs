using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Options;
using OrleansSafety.LoadTest.Phases;
using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Ceilings;

/// <summary>
/// The machine's ceilings, measured by the same tool in the same run and with the same concurrency as the chat
/// peak, so that chat's figures are ratios rather than absolute numbers from elsewhere:
/// HTTP (the gateway's no-op endpoint: same pipeline, no grain), Orleans (the same plus one trivial grain call on one
/// of as many grains as there are rooms) and storage (the journal's INSERT straight into PostgreSQL).
/// </summary>
public static class CeilingPhases
{
    public static async Task<CeilingResults> RunAsync(RunContext run, CancellationToken ct)
    {
        var o = run.Options;
        var seconds = TimeSpan.FromSeconds(o.CeilingSeconds);
        PhaseResult? noop = null;
        if (o.Target == TargetKind.Http)
        {
            await PhaseRunner.WarmUpAsync(run, "http-noop", m =>
                LoadDriver.RunClosedLoopAsync(o.Concurrency, TimeSpan.FromSeconds(o.WarmupSeconds), m, m.Op("noop"), (_, t) => run.Target.NoopAsync(t), ct));
            noop = await PhaseRunner.MeasureAsync(run, "http-noop", "closed-loop", m =>
                LoadDriver.RunClosedLoopAsync(o.Concurrency, seconds, m, m.Op("noop"), (_, t) => run.Target.NoopAsync(t), ct),
                concurrency: o.Concurrency);
        }

        Operation ping = (i, t) => run.Target.PingAsync($"{o.RunId}-{i % o.Rooms}", t);
        await PhaseRunner.WarmUpAsync(run, "grain-ping", m =>
            LoadDriver.RunClosedLoopAsync(o.Concurrency, TimeSpan.FromSeconds(o.WarmupSeconds), m, m.Op("ping"), ping, ct));
        var pingResult = await PhaseRunner.MeasureAsync(run, "grain-ping", "closed-loop", m =>
            LoadDriver.RunClosedLoopAsync(o.Concurrency, seconds, m, m.Op("ping"), ping, ct), concurrency: o.Concurrency, rooms: o.Rooms);

        StorageCeiling? storage = null;
        if (o.Postgres is { Length: > 0 } postgres)
        {
            var perBatch = TimeSpan.FromSeconds(Math.Max(2, o.CeilingSeconds / 2));
            storage = await new StorageCeilingProbe(postgres, o.RunId, o.Rooms).MeasureAsync(perBatch, run.Output, ct);
        }
        return new CeilingResults { HttpNoop = noop, GrainPing = pingResult, Storage = storage };
    }
}
