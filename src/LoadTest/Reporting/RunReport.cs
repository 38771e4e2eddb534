using HdrHistogram;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Reporting;

/// <summary>Everything a run measured, as written to JSON (and printed as tables).</summary>
public sealed record RunReport
{
    public required string Name { get; init; }

    public required string RunId { get; init; }

    public required int Seed { get; init; }

    public required string Target { get; init; }

    public required MachineInfo Machine { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    public CeilingResults? Ceilings { get; set; }

    public List<PhaseResult> Phases { get; } = [];

    /// <summary>Operations acknowledged in each warm-up (unmeasured, but verified with the rest), by phase and operation.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>> Warmups { get; set; } = new Dictionary<string, IReadOnlyDictionary<string, long>>();

    public MemoryResult? Memory { get; set; }

    public VerificationResult? Verification { get; set; }

    public List<TargetCheck> Targets { get; } = [];

    public PhaseResult? Phase(string name) => Phases.FirstOrDefault(p => p.Name == name);
}

public sealed record MachineInfo(int Cores, string Os, string Runtime, double LoadAverage1m, long MemoryBytes);

/// <summary>One measured phase: how it was driven, what each operation achieved, and where the CPU went.</summary>
public sealed record PhaseResult
{
    public required string Name { get; init; }

    /// <summary><c>fixed-rate</c> (latency from the intended send time) or <c>closed-loop</c> (service time).</summary>
    public required string Mode { get; init; }

    public required double Seconds { get; init; }

    public double? TargetRate { get; init; }

    public int? Concurrency { get; init; }

    public int Rooms { get; init; }

    public int HistoryPerRoom { get; init; }

    public required IReadOnlyList<OpResult> Ops { get; init; }

    public IReadOnlyDictionary<string, double> CpuPercent { get; init; } = new Dictionary<string, double>();

    public DatabaseCounters? Database { get; init; }

    /// <summary>The gateway's runtime in this phase (HTTP target only).</summary>
    public GatewayRuntime? GatewayRuntime { get; init; }

    /// <summary>
    /// Milliseconds per second the load tool itself was paused for GC. Its pauses delay sends and the reading of
    /// answers alike, so they are in every latency it measures; in open loop they count for everything due meanwhile.
    /// </summary>
    public double ToolGcPauseMsPerSecond { get; init; }

    /// <summary>
    /// The phase's main operation (the most acknowledged) per core-second of our own processes (tool, gateway,
    /// silos, PostgreSQL): what the system would do with the whole machine, when other processes share it.
    /// </summary>
    public double PerCoreSecond { get; init; }

    /// <summary>CPU microseconds each process group spent per main operation: the cost profile of one message.</summary>
    public IReadOnlyDictionary<string, double> CpuMicrosPerOp { get; init; } = new Dictionary<string, double>();

    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    public OpResult? Op(string name) => Ops.FirstOrDefault(o => o.Name == name);

    /// <summary>Latency histograms by operation, for the plot; not serialized.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyDictionary<string, HistogramBase> Histograms { get; init; } = new Dictionary<string, HistogramBase>();
}

public sealed record OpResult(
    string Name,
    long Ok,
    double PerSecond,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    double MeanMs,
    IReadOnlyDictionary<string, long> Refused,
    IReadOnlyDictionary<string, long> Errors)
{
    public static OpResult From(OpStats stats, HistogramBase histogram, double seconds)
    {
        static double Ms(long micros) => micros / 1000.0;
        var any = histogram.TotalCount > 0;
        return new OpResult(
            stats.Name,
            stats.Ok,
            stats.Ok / Math.Max(seconds, 1e-9),
            any ? Ms(histogram.GetValueAtPercentile(50)) : 0,
            any ? Ms(histogram.GetValueAtPercentile(90)) : 0,
            any ? Ms(histogram.GetValueAtPercentile(99)) : 0,
            any ? Ms(histogram.GetValueAtPercentile(99.9)) : 0,
            any ? Ms(histogram.GetMaxValue()) : 0,
            any ? histogram.GetMean() / 1000.0 : 0,
            stats.Refused.ToDictionary(),
            stats.Errors.ToDictionary());
    }
}

/// <summary>PostgreSQL's own counters over a phase: commits and inserted rows per second, rows per commit.</summary>
/// <summary>The gateway's bytes allocated per main operation and milliseconds paused for GC per second of the phase.</summary>
public sealed record GatewayRuntime(double AllocatedBytesPerOp, double GcPauseMsPerSecond);

/// <param name="CheckpointsBegun">Checkpoints the server began during the phase (timed or for log volume).</param>
public sealed record DatabaseCounters(
    double CommitsPerSecond,
    double RowsInsertedPerSecond,
    double RowsUpdatedPerSecond,
    double ChatRowsPerSecond,
    double WalKiBPerSecond,
    double FullPageImagesPerSecond,
    long CheckpointsBegun);

public sealed record CeilingResults
{
    public PhaseResult? HttpNoop { get; init; }

    public PhaseResult? GrainPing { get; init; }

    public StorageCeiling? Storage { get; init; }
}

/// <summary>Rows per second of the chat row shape inserted with the journal's statement, by batch size.</summary>
public sealed record StorageCeiling(IReadOnlyDictionary<int, double> RowsPerSecondByBatch, int Writers, double BestRowsPerSecond, int BestBatch);

public sealed record MemoryResult(
    int Rooms,
    int MessagesPerRoom,
    double LoadSeconds,
    long ActivationsBefore,
    long ActivationsAfter,
    long WorkingSetBefore,
    long WorkingSetAfter,
    long GcHeapBefore,
    long GcHeapAfter,
    double WorkingSetBytesPerRoom,
    double GcHeapBytesPerRoom);

/// <summary>One target of issue 6 and whether this run met it.</summary>
public sealed record TargetCheck(string Target, string Measured, bool? Met);
