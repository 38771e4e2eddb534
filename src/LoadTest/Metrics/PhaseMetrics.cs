using System.Collections.Concurrent;

namespace OrleansSafety.LoadTest.Metrics;

/// <summary>The operations of one measured phase, the requests in flight, and a per-second timeline for the plots.</summary>
public sealed class PhaseMetrics(string phase)
{
    private readonly ConcurrentDictionary<string, OpStats> _ops = new(StringComparer.Ordinal);
    private readonly List<TimelinePoint> _timeline = [];
    private long _inFlight;

    public string Phase { get; } = phase;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public IReadOnlyList<TimelinePoint> Timeline => _timeline;

    public IEnumerable<OpStats> Ops => _ops.Values.OrderBy(o => o.Name, StringComparer.Ordinal);

    public OpStats Op(string name) => _ops.GetOrAdd(name, n => new OpStats(n));

    public void Started() => Interlocked.Increment(ref _inFlight);

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Closes one second of the timeline: each operation's count and p99 in it.</summary>
    public TimelinePoint Tick(double secondsSinceStart, double intervalSeconds)
    {
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        var p99 = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var op in Ops)
        {
            var (count, p) = op.TakeInterval();
            rates[op.Name] = count / Math.Max(intervalSeconds, 1e-3);
            p99[op.Name] = p;
        }
        var point = new TimelinePoint(secondsSinceStart, rates, p99, InFlight, _ops.Values.Sum(o => o.ErrorCount), _ops.Values.Sum(o => o.RefusedCount));
        lock (_timeline)
        {
            _timeline.Add(point);
        }
        return point;
    }
}

public sealed record TimelinePoint(
    double Seconds,
    IReadOnlyDictionary<string, double> Rates,
    IReadOnlyDictionary<string, double> P99Ms,
    long InFlight,
    long Errors,
    long Refused);
