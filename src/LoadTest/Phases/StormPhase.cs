using System.Diagnostics;
using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Scenario;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>
/// Claim storm: N cases are opened (one flag each on N distinct profiles), then many agents claim and decide with
/// no pause at all until every case is decided. Measures claim-next latency under contention for the same queue
/// heads; every grant goes to the ledger, which counts a case granted to two agents as a double claim. With a
/// warm-up, the agents first decide at least that many more cases unmeasured, then wait between rounds — never
/// holding a case, which a claim cut off mid-request could leave held until its lease lapses — for the measurement.
/// </summary>
public static class StormPhase
{
    private static readonly TimeSpan MaxStorm = TimeSpan.FromSeconds(120);

    public static async Task<PhaseResult> RunAsync(RunContext run, CancellationToken ct)
    {
        var o = run.Options;
        var people = run.People;
        var started = Stopwatch.GetTimestamp();
        var fill = new PhaseMetrics("storm-fill");
        var filed = fill.Op("flag");
        var total = o.StormCases + o.StormWarmupCases;
        await LoadDriver.RunCountAsync(total, Math.Min(o.Concurrency, 64), fill, filed, async (i, token) =>
        {
            var h = Hash.Of(o.Seed, RunContext.StormStream, i);
            var owner = people.User(Hash.Pick(h, people.Users));
            var itemId = $"{o.RunId}-storm-{i}";
            var reporter = run.Reporters.Take([people.User(Hash.Pick(h, people.Users, 24))], owner);
            var spec = new FlagSpec(reporter, "user_profile", "harassment", ItemId: itemId, OwnerId: owner, ContentText: "bio: " + TextCorpus.Line((int)i));
            var flagId = await run.Target.FileFlagAsync(spec, token);
            run.Ledger.FlagAcked(new AckedFlag(flagId, reporter, owner, $"user_profile/{itemId}"));
        }, ct);
        await run.Output.WriteLineAsync(
            $"[claim-storm] {filed.Ok} cases opened in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s ({filed.ErrorCount + filed.RefusedCount} failed)");

        var sessions = new List<IAgentSession>();
        for (var i = 0; i < o.StormAgents; i++)
        {
            sessions.Add(await SetupPhase.CreateAsync(run, $"{o.RunId}-storm-agent-{i}", "agent", ct));
        }
        var agents = new AgentWorkload(run.Target, run.Ledger, o.Seed, thinkMs: 0, appealShare: 0);
        var warmup = new PhaseMetrics("storm-warmup");
        var warmed = warmup.Op("decide");
        var warmupCases = Math.Min(o.StormWarmupCases, filed.Ok);
        var measuring = new TaskCompletionSource<PhaseMetrics>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Once the warm-up has its cases, agents wait between rounds until the measurement has started.
        async ValueTask<PhaseMetrics> NextRound(CancellationToken token) =>
            warmed.Ok >= warmupCases ? await measuring.Task.WaitAsync(token) : warmup;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(MaxStorm);
        var workers = sessions.Select((s, i) => agents.RunAgentAsync(s, 1000 + i, NextRound, stop.Token)).ToList();
        try
        {
            while (!stop.IsCancellationRequested && warmed.Ok < warmupCases)
            {
                await Task.Delay(20, CancellationToken.None);
            }
            if (warmupCases > 0)
            {
                await run.Output.WriteLineAsync($"[claim-storm] warm-up: {warmed.Ok} cases decided, unmeasured");
            }
            return await PhaseRunner.MeasureAsync(run, "claim-storm", "closed-loop", async m =>
            {
                measuring.SetResult(m);
                var decided = m.Op("decide");
                while (!stop.IsCancellationRequested && warmed.Ok + decided.Ok < filed.Ok)
                {
                    await Task.Delay(50, CancellationToken.None);
                }
                await stop.CancelAsync();
                await Task.WhenAll(workers);
            }, concurrency: o.StormAgents);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(workers);
        }
    }
}
