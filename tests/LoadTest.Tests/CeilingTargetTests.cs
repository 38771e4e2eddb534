using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>
/// The chat-vs-HTTP-ceiling target is judged only when both phases were really measured: against the README's demo
/// gateway the no-op endpoint answers 404 and the per-key limit refuses most of a closed loop, which used to report
/// the target as met ("2009/s of 0/s = Infinity").
/// </summary>
public sealed class CeilingTargetTests
{
    [Fact]
    public void A_ceiling_the_gateway_did_not_serve_is_not_measured_and_says_how_to_turn_it_on()
    {
        var report = Report(noop: Op("noop", ok: 0, errors: ("http-404", 5126)), peak: Op("chat", ok: 10_066));

        TargetEvaluator.Evaluate(report, chatShare: null);

        var target = Assert.Single(report.Targets, t => t.Target == "chat ≥ 50 % of the HTTP ceiling");
        Assert.Null(target.Met);
        Assert.Contains("5126 × http-404", target.Measured, StringComparison.Ordinal);
        Assert.Contains("Gateway__BenchmarkEndpoints=true", target.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void A_peak_held_back_by_the_rate_limit_is_not_measured()
    {
        var report = Report(noop: Op("noop", ok: 200_000), peak: Op("chat", ok: 10_066, refused: ("rate-limited", 35_054)));

        TargetEvaluator.Evaluate(report, chatShare: null);

        var target = Assert.Single(report.Targets, t => t.Target == "chat ≥ 50 % of the HTTP ceiling");
        Assert.Null(target.Met);
        Assert.Contains("rate limit refused 35054 × chat", target.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Measured_phases_are_judged()
    {
        var report = Report(noop: Op("noop", ok: 200_000), peak: Op("chat", ok: 80_000));

        TargetEvaluator.Evaluate(report, chatShare: null);

        var target = Assert.Single(report.Targets, t => t.Target == "chat ≥ 50 % of the HTTP ceiling");
        Assert.False(target.Met);
        Assert.StartsWith("4000/s of 10000/s = 40", target.Measured, StringComparison.Ordinal);
    }

    private static OpResult Op(string name, long ok, (string Key, long Count)? errors = null, (string Key, long Count)? refused = null) =>
        new(name, ok, ok / 20.0, 1, 2, 3, 4, 5, 1,
            refused is { } r ? new Dictionary<string, long> { [r.Key] = r.Count } : new Dictionary<string, long>(),
            errors is { } e ? new Dictionary<string, long> { [e.Key] = e.Count } : new Dictionary<string, long>());

    private static RunReport Report(OpResult noop, OpResult peak)
    {
        var report = new RunReport
        {
            Name = "ceilings", RunId = "lt42xtest", Seed = 42, Target = "test",
            Machine = new MachineInfo(2, "test", "test", 0, 0), StartedAt = DateTimeOffset.UnixEpoch,
            Ceilings = new CeilingResults { HttpNoop = new PhaseResult { Name = "http-noop", Mode = "closed-loop", Seconds = 20, Ops = [noop] } },
        };
        report.Phases.Add(new PhaseResult { Name = "chat-peak", Mode = "closed-loop", Seconds = 20, Ops = [peak] });
        return report;
    }
}
