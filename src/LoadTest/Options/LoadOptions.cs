namespace OrleansSafety.LoadTest.Options;

/// <summary>Which system the tool drives.</summary>
public enum TargetKind
{
    /// <summary>The gateway's HTTP API, as a game backend and agents use it.</summary>
    Http,

    /// <summary>The cluster directly, as an Orleans client (no HTTP), for comparison.</summary>
    Orleans,
}

/// <summary>
/// Everything a run can be told. Each phase is switched on by its own options, in this order:
/// ceilings → chat peak (closed loop) → room/history sweeps → mixed load (fixed rate) → claim storm → memory →
/// verification. Defaults are a small, quick run against a local gateway.
/// </summary>
public sealed record LoadOptions
{
    public TargetKind Target { get; init; } = TargetKind.Http;

    /// <summary>Gateway base URL (http target). Loopback only: the tool refuses any other host.</summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    /// <summary>Game-backend key (<c>X-Api-Key</c>).</summary>
    public string ApiKey { get; init; } = "dev-key-0123456789abcdef";

    /// <summary>PostgreSQL for the storage ceiling, database counters and the Orleans-client mode's membership.</summary>
    public string? Postgres { get; init; }

    public string? ClusterId { get; init; }

    public string? ServiceId { get; init; }

    /// <summary>Localhost gateway port of a silo without PostgreSQL (orleans target only).</summary>
    public int OrleansGatewayPort { get; init; } = 30000;

    /// <summary>Every random choice of the run derives from it.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Namespaces every id the run creates, so runs against one database never collide.</summary>
    public string RunId { get; init; } = "";

    public string Name { get; init; } = "run";

    /// <summary>Folder for the JSON report and the plots; none written when empty.</summary>
    public string? OutDir { get; init; }

    public int Rooms { get; init; } = 100;

    /// <summary>Chat users; each belongs to one room (rounded up to a multiple of <see cref="Rooms"/>).</summary>
    public int Users { get; init; } = 1000;

    /// <summary>Messages posted into every room before anything is measured.</summary>
    public int HistoryPerRoom { get; init; }

    /// <summary>Requests in flight in closed-loop phases (and the HTTP connection pool size).</summary>
    public int Concurrency { get; init; } = 128;

    /// <summary>Upper bound of requests in flight in fixed-rate phases; the latency clock keeps running while waiting.</summary>
    public int MaxInFlight { get; init; } = 4096;

    public double WarmupSeconds { get; init; } = 3;

    /// <summary>
    /// Warm-up at the fixed rate before the mixed phase; null: <see cref="WarmupSeconds"/>. The runtime keeps adapting
    /// its collections for some 20 s after the rate changes (docs/BENCHMARKS.md, "the warm-up's length").
    /// </summary>
    public double? RateWarmupSeconds { get; init; }

    /// <summary>Seconds of each ceiling (HTTP no-op, grain ping, storage); 0 skips them.</summary>
    public double CeilingSeconds { get; init; }

    /// <summary>Seconds of closed-loop chat to find the peak rate; 0 skips it.</summary>
    public double PeakSeconds { get; init; }

    /// <summary>Room counts to compare at the peak (closed loop), e.g. 100,10000.</summary>
    public IReadOnlyList<int> SweepRooms { get; init; } = [];

    /// <summary>History sizes to compare at the peak (closed loop), e.g. 10,1000.</summary>
    public IReadOnlyList<int> SweepHistory { get; init; } = [];

    /// <summary>Seconds of each sweep step.</summary>
    public double SweepSeconds { get; init; } = 10;

    /// <summary>Seconds of the mixed phase (chat + flags + agents + boots + appeals); 0 skips it.</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Chat messages per second in the mixed phase (fixed rate, coordinated-omission aware).</summary>
    public double ChatRate { get; init; } = 200;

    /// <summary>When set, the mixed phase's chat rate is this share of the peak measured in the same run.</summary>
    public double? ChatRateShare { get; init; }

    public double FlagRate { get; init; } = 10;

    public double BootRate { get; init; } = 1;

    public int Agents { get; init; } = 5;

    public int Seniors { get; init; } = 1;

    /// <summary>An agent's pause between claiming a case and deciding it.</summary>
    public int AgentThinkMs { get; init; } = 20;

    /// <summary>Share of mute sanctions the sanctioned user appeals.</summary>
    public double AppealShare { get; init; } = 0.5;

    /// <summary>Flags per reporter the tool stays under (the gateway's limit is 30 per 10 minutes by default).</summary>
    public int FlagsPerReporter { get; init; } = 25;

    /// <summary>Cases opened for the claim storm; 0 skips it.</summary>
    public int StormCases { get; init; }

    public int StormAgents { get; init; } = 50;

    /// <summary>
    /// Cases the storm's agents claim and decide before it is measured (opened on top of <see cref="StormCases"/>;
    /// rounds under way when the warm-up has its cases finish unmeasured too, at most one per agent):
    /// the first claims of fifty freshly signed-in agents activate their grains and open connections, and would
    /// otherwise set the storm's p99.
    /// </summary>
    public int StormWarmupCases { get; init; }

    /// <summary>Rooms activated for the memory phase (orleans target); 0 skips it.</summary>
    public int MemoryRooms { get; init; }

    public int MemoryMessages { get; init; } = 50;

    public bool Verify { get; init; } = true;

    /// <summary>
    /// Newest messages per room the target keeps, when it keeps fewer than all (the gateway's no-database mode keeps
    /// 1000, `Moderation:InMemoryJournalCapacity`); older acknowledged messages are counted as beyond retention
    /// instead of lost. Unset (the durable mode): every acknowledged message must read back.
    /// </summary>
    public int? RetainedPerRoom { get; init; }

    /// <summary>Processes whose CPU is split out in the profile, as name=pid pairs.</summary>
    public IReadOnlyDictionary<string, int> WatchPids { get; init; } = new Dictionary<string, int>();

    /// <summary>Refuses to run for more than this, whatever the phases add up to.</summary>
    public double MaxRunSeconds { get; init; } = 1800;
}
