namespace OrleansSafety.LoadTest.Metrics;

/// <summary>
/// Where workers that outlive a warm-up record their next round: the warm-up's metrics until the measured phase
/// takes over. Workers ask between rounds, so a round is recorded whole in the phase it began in. (The claim storm
/// holds its agents between rounds instead: its cases are finite, and agents working on through the hand-over would
/// decide the measured ones unmeasured.)
/// </summary>
public sealed class MetricsHandOver
{
    private volatile PhaseMetrics? _current;

    public void MoveTo(PhaseMetrics metrics) => _current = metrics;

    public ValueTask<PhaseMetrics> NextRound(CancellationToken _) =>
        ValueTask.FromResult(_current ?? throw new InvalidOperationException("no phase to record into yet"));
}
