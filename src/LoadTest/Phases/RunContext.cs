using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Options;
using OrleansSafety.LoadTest.Profiling;
using OrleansSafety.LoadTest.Scenario;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>What every phase of one run shares: the options, the target, the main population, the ledger.</summary>
public sealed class RunContext(LoadOptions options, IModerationTarget target, TextWriter output, DatabaseProbe? database, GatewayRuntimeProbe? gatewayRuntime = null)
{
    // Streams of the hash-based schedule; each kind of operation draws from its own.
    public const int ChatStream = 1;
    public const int FlagStream = 2;
    public const int BootStream = 3;
    public const int PreloadStream = 4;
    public const int StormStream = 5;

    private ReporterBudget? _reporters;

    public LoadOptions Options { get; } = options;

    public IModerationTarget Target { get; } = target;

    public TextWriter Output { get; } = output;

    public DatabaseProbe? Database { get; } = database;

    public GatewayRuntimeProbe? GatewayRuntime { get; } = gatewayRuntime;

    public Population People { get; } = new(options.RunId, options.Rooms, options.Users);

    public Ledger Ledger { get; } = new();

    /// <summary>Messages per room before anything is measured: the asked history, and at least one per user.</summary>
    public int MainHistory => Math.Max(Options.HistoryPerRoom, People.UsersPerRoom);

    public ReporterBudget Reporters => _reporters ??= new ReporterBudget(People, Options.FlagsPerReporter);

    public CpuSampler Cpu { get; } = new(options.WatchPids);

    /// <summary>Agents of the mixed phase, signed in during set-up.</summary>
    public List<IAgentSession> Agents { get; } = [];

    public List<IAgentSession> Seniors { get; } = [];

    public IAgentSession? VerifierAgent { get; set; }

    /// <summary>Each warm-up's operations, by the name of the phase it warmed up; workers handed over from a warm-up
    /// may still complete rounds in it after the measured phase began.</summary>
    public Dictionary<string, PhaseMetrics> Warmups { get; } = new(StringComparer.Ordinal);
}
