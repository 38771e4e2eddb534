using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Scenario;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>
/// The realistic load, open loop: chat at a fixed rate, flags at a fixed rate, room moderators booting, agents
/// claiming and deciding, muted users appealing, seniors deciding appeals — all at once. Chat and flag latencies
/// count from each operation's intended send time. The flag's latency is its time to claimable: the flag path
/// answers only once the case is in its queue partition (CaseGrain.AddFlagAsync awaits the partition's upsert).
/// </summary>
public static class MixedPhase
{
    public static async Task<PhaseResult> RunAsync(RunContext run, double chatRate, CancellationToken ct)
    {
        var o = run.Options;
        var duration = TimeSpan.FromSeconds(o.Duration);
        var chat = new ChatWorkload(run.Target, run.People, run.Ledger, o.Seed, RunContext.ChatStream + 1);
        var flags = new FlagWorkload(run.Target, run.People, run.Ledger, run.Reporters, o.Seed, RunContext.FlagStream);
        var boots = new BootWorkload(run.Target, run.People, run.Ledger, o.Seed, RunContext.BootStream);
        var agents = new AgentWorkload(run.Target, run.Ledger, o.Seed, o.AgentThinkMs, o.AppealShare);

        // The warm-up files flags and boots as well as chat: the first flags of a run otherwise meet code the JIT
        // has not compiled yet and grains and connections not yet in use, and at 80 % of the peak the backlog that
        // makes took the first 14 s of the measured phase to drain (flag80, fourth round) — a start-up cost, not
        // the steady state the targets are about. Everything the warm-up acknowledges is verified like the rest.
        var warmChat = new ChatWorkload(run.Target, run.People, run.Ledger, o.Seed, RunContext.ChatStream + 200);
        var warmFlags = new FlagWorkload(run.Target, run.People, run.Ledger, run.Reporters, o.Seed, RunContext.FlagStream + 200);
        var warmBoots = new BootWorkload(run.Target, run.People, run.Ledger, o.Seed, RunContext.BootStream + 200);
        var warmupSeconds = o.RateWarmupSeconds ?? o.WarmupSeconds;
        var warmup = TimeSpan.FromSeconds(warmupSeconds);

        // Agents and seniors start with the warm-up and are handed over to the measured phase between rounds. Started
        // with the measurement, their first claims and decisions met cold code and grains inside it, and they began
        // with the backlog of cases the warm-up's flags had opened: in `steady` the first seconds' p99s were 84–128 ms
        // for chat and 132–246 ms for claims, against ~11 ms for chat after them (docs/BENCHMARKS.md, the agents'
        // warm-up A/B).
        var handOver = new MetricsHandOver();
        using var stopAgents = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var workers = new List<Task>();
        void RecordInto(PhaseMetrics metrics)
        {
            handOver.MoveTo(metrics);
            if (workers.Count == 0)
            {
                workers.AddRange(run.Agents.Select((a, i) => agents.RunAgentAsync(a, i, handOver.NextRound, stopAgents.Token)));
                workers.AddRange(run.Seniors.Select((s, i) => agents.RunSeniorAsync(s, i, handOver.NextRound, stopAgents.Token)));
            }
        }

        try
        {
            await PhaseRunner.WarmUpAsync(run, "mixed", m =>
            {
                RecordInto(m);
                return Task.WhenAll(
                    LoadDriver.RunFixedRateAsync(chatRate, warmup, o.MaxInFlight, m, m.Op("chat"), warmChat.Post, ct),
                    LoadDriver.RunFixedRateAsync(o.FlagRate, warmup, o.MaxInFlight, m, m.Op("flag"), warmFlags.File, ct),
                    LoadDriver.RunFixedRateAsync(o.BootRate, warmup, o.MaxInFlight, m, m.Op("boot"), warmBoots.Boot, ct));
            }, warmupSeconds);

            await run.Output.WriteLineAsync(
                $"[mixed] chat {chatRate:0}/s, flags {o.FlagRate:0.#}/s, boots {o.BootRate:0.#}/s, {o.Agents} agents, {o.Seniors} seniors for {o.Duration:0} s");
            return await PhaseRunner.MeasureAsync(run, "mixed", "fixed-rate", async m =>
            {
                RecordInto(m);
                await Task.WhenAll(
                    LoadDriver.RunFixedRateAsync(chatRate, duration, o.MaxInFlight, m, m.Op("chat"), chat.Post, ct),
                    LoadDriver.RunFixedRateAsync(o.FlagRate, duration, o.MaxInFlight, m, m.Op("flag"), flags.File, ct),
                    LoadDriver.RunFixedRateAsync(o.BootRate, duration, o.MaxInFlight, m, m.Op("boot"), boots.Boot, ct));
                await stopAgents.CancelAsync();
                await Task.WhenAll(workers);
            }, targetRate: chatRate, rooms: run.People.Rooms, history: run.MainHistory);
        }
        finally
        {
            await stopAgents.CancelAsync();
            await Task.WhenAll(workers);
        }
    }
}
