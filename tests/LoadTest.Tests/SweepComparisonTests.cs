using OrleansSafety.LoadTest.Phases;
using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>
/// The rooms and history targets compare sweep values by their mean rate, so an A,B,B,A sweep cancels drift over the
/// run (the run gets faster as the JIT finishes optimizing) instead of crediting it to whichever value came last.
/// </summary>
public sealed class SweepComparisonTests
{
    [Fact]
    public void A_value_measured_twice_is_judged_by_its_mean()
    {
        // Drift: every step 20 % faster than the one before it, the room count itself makes no difference.
        var report = Report(("rooms", 100, 1, 5000), ("rooms", 10000, 1, 6000), ("rooms", 10000, 2, 7200), ("rooms", 100, 2, 8640));

        TargetEvaluator.Evaluate(report, chatShare: null);

        var rooms = Assert.Single(report.Targets, t => t.Target.StartsWith("same rate with different room counts", StringComparison.Ordinal));
        Assert.True(rooms.Met == true, rooms.Measured); // means 6820 vs 6600: 3.2 % apart
        Assert.Contains("100: 6820/s (mean of 5000, 8640)", rooms.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_measured_once_each_are_compared_as_measured()
    {
        var report = Report(("history", 10, 1, 5000), ("history", 1000, 1, 6000));

        TargetEvaluator.Evaluate(report, chatShare: null);

        var history = Assert.Single(report.Targets, t => t.Target.StartsWith("same rate with different history sizes", StringComparison.Ordinal));
        Assert.True(history.Met == false, history.Measured); // 16.7 % apart, beyond ±10 %
        Assert.Equal("10: 5000/s vs 1000: 6000/s (16.7 % apart)", history.Measured);
    }

    private static RunReport Report(params (string Sweep, int Value, int Step, double Rate)[] steps)
    {
        var report = new RunReport
        {
            Name = "sweep", RunId = "lt42xtest", Seed = 42, Target = "test",
            Machine = new MachineInfo(2, "test", "test", 0, 0), StartedAt = DateTimeOffset.UnixEpoch,
        };
        foreach (var (sweep, value, step, rate) in steps)
        {
            var chat = new OpResult("chat", (long)(rate * 20), rate, 1, 2, 3, 4, 5, 1,
                new Dictionary<string, long>(), new Dictionary<string, long>());
            report.Phases.Add(new PhaseResult { Name = ChatPhases.SweepStepName(sweep, value, step), Mode = "closed-loop", Seconds = 20, Ops = [chat] });
        }
        return report;
    }
}
