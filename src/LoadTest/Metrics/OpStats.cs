using System.Collections.Concurrent;
using System.Diagnostics;
using HdrHistogram;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Metrics;

/// <summary>
/// One operation's outcomes in one phase: the latencies of its acknowledged calls (HdrHistogram, microseconds,
/// 3 significant digits, up to 10 minutes) and its refusals and errors by kind. Writers never lock: a
/// <see cref="Recorder"/> hands the progress printer a per-second interval histogram, which is added to the total.
/// </summary>
public sealed class OpStats(string name)
{
    public const long MaxMicros = 600_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(MaxMicros).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly LongHistogram _total = new(MaxMicros, 3);
    private readonly ConcurrentDictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private readonly Lock _totalLock = new();
    private HistogramBase? _interval;
    private long _ok;

    public string Name { get; } = name;

    public long Ok => Interlocked.Read(ref _ok);

    public long RefusedCount => _refused.Values.Sum();

    public long ErrorCount => _errors.Values.Sum();

    public IReadOnlyDictionary<string, long> Refused => _refused;

    public IReadOnlyDictionary<string, long> Errors => _errors;

    /// <summary>An acknowledged call that took from <paramref name="startTimestamp"/> (the intended send time in fixed-rate phases) until now.</summary>
    public void RecordOk(long startTimestamp)
    {
        Interlocked.Increment(ref _ok);
        _recorder.RecordValue(Micros(Stopwatch.GetElapsedTime(startTimestamp)));
    }

    public void RecordFailure(OpException failure)
    {
        var counts = failure.Refused ? _refused : _errors;
        counts.AddOrUpdate(failure.Kind, 1, (_, n) => n + 1);
    }

    public void RecordError(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

    /// <summary>Moves what was recorded since the last call into the total; answers the interval's count and p99 (ms).</summary>
    public (long Count, double P99Ms) TakeInterval()
    {
        lock (_totalLock)
        {
            _interval = _recorder.GetIntervalHistogram(_interval);
            _total.Add(_interval);
            return (_interval.TotalCount, _interval.TotalCount == 0 ? 0 : _interval.GetValueAtPercentile(99) / 1000.0);
        }
    }

    /// <summary>The whole phase's histogram (after a final <see cref="TakeInterval"/>).</summary>
    public HistogramBase Total()
    {
        lock (_totalLock)
        {
            return _total.Copy();
        }
    }

    private static long Micros(TimeSpan elapsed) => Math.Clamp((long)(elapsed.Ticks / 10.0), 1, MaxMicros);
}
