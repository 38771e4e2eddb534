using System.Globalization;

namespace OrleansSafety.LoadTest.Options;

/// <summary>
/// <c>--key value</c> pairs, nothing more (every option takes a value; booleans are true/false). Environment
/// variables fill what the command line does not say: <c>ConnectionStrings__Postgres</c>, <c>Orleans__ClusterId</c>,
/// <c>Orleans__ServiceId</c>, <c>LOADTEST_API_KEY</c>.
/// </summary>
public static class OptionsParser
{
    public const string Usage = """
        OrleansSafety load tool. Every option is --name value.

          --target http|orleans       drive the gateway over HTTP (default) or the cluster as an Orleans client
          --url URL                   gateway base URL (loopback only)            default http://127.0.0.1:5080
          --api-key KEY               game-backend key      default $LOADTEST_API_KEY or the development key
          --postgres CONNSTR          storage ceiling, database counters, Orleans membership
                                                            default $ConnectionStrings__Postgres
          --cluster-id ID --service-id ID   Orleans client ids  default $Orleans__ClusterId / $Orleans__ServiceId
          --seed N --run-id ID --name NAME --out DIR
          --rooms N --users N --history N     population (users belong to one room each)
          --concurrency N             requests in flight in closed-loop phases (and HTTP connections)
          --max-in-flight N           bound for fixed-rate phases (latency still counts from the intended time)
          --warmup S                  seconds of unmeasured warm-up before each measured phase
          --rate-warmup S             the same before the fixed-rate (mixed) phase, at its rate  default --warmup
          --ceilings S                seconds for each ceiling: HTTP no-op, grain ping, PostgreSQL insert
          --peak S                    seconds of closed-loop chat to find the peak rate
          --sweep-rooms A,B           compare the peak with A and with B rooms; a value may repeat (A,B,B,A
                                      cancels drift over the run: each value is judged by the mean of its steps)
          --sweep-history A,B         compare the peak with A and with B messages of history per room (same)
          --sweep-seconds S           seconds per sweep step
          --duration S                seconds of the mixed phase (chat, flags, agents, boots, appeals)
          --chat-rate R | --chat-share F    fixed chat rate, or F × the peak measured in this run
          --flag-rate R --boot-rate R --agents N --seniors N --think-ms N --appeal-share F
          --flags-per-reporter N      stay under the gateway's reporter limit (default 25 < 30)
          --storm-cases N --storm-agents N    claim storm: N open cases, agents claim and decide flat out
          --storm-warmup N            N more cases, which the storm's agents claim and decide unmeasured first
          --memory-rooms N --memory-messages N   memory phase (orleans target)
          --verify true|false         verify that nothing acknowledged was lost (default true)
          --retained-per-room N       the target keeps only each room's newest N messages (the no-database mode:
                                      1000); older ones are reported as beyond retention, not as lost
          --watch name=pid,...        processes whose CPU the profile splits out
          --max-run S                 hard cap on the whole run (default 1800)
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value', got '{arg}'.");
            }
            values[arg[2..]] = args[++i];
        }

        var options = new LoadOptions
        {
            ApiKey = environment("LOADTEST_API_KEY") ?? new LoadOptions().ApiKey,
            Postgres = environment("ConnectionStrings__Postgres"),
            ClusterId = environment("Orleans__ClusterId"),
            ServiceId = environment("Orleans__ServiceId"),
        };
        foreach (var (name, value) in values)
        {
            options = Apply(options, name.ToLowerInvariant(), value);
        }
        if (options.RunId.Length == 0)
        {
            // Same seed, same operations; the suffix only keeps ids of two runs against one database apart.
            options = options with { RunId = $"lt{options.Seed}x{Random.Shared.Next(0x10000):x4}" };
        }
        Validate(options);
        return options;
    }

    private static LoadOptions Apply(LoadOptions o, string name, string v) => name switch
    {
        "target" => o with { Target = Enum.Parse<TargetKind>(v, ignoreCase: true) },
        "url" => o with { Url = new Uri(v.TrimEnd('/')) },
        "api-key" => o with { ApiKey = v },
        "postgres" => o with { Postgres = v },
        "cluster-id" => o with { ClusterId = v },
        "service-id" => o with { ServiceId = v },
        "orleans-gateway-port" => o with { OrleansGatewayPort = Int(v) },
        "seed" => o with { Seed = Int(v) },
        "run-id" => o with { RunId = v },
        "name" => o with { Name = v },
        "out" => o with { OutDir = v },
        "rooms" => o with { Rooms = Int(v) },
        "users" => o with { Users = Int(v) },
        "history" => o with { HistoryPerRoom = Int(v) },
        "concurrency" => o with { Concurrency = Int(v) },
        "max-in-flight" => o with { MaxInFlight = Int(v) },
        "warmup" => o with { WarmupSeconds = Num(v) },
        "rate-warmup" => o with { RateWarmupSeconds = Num(v) },
        "ceilings" => o with { CeilingSeconds = Num(v) },
        "peak" => o with { PeakSeconds = Num(v) },
        "sweep-rooms" => o with { SweepRooms = Ints(v) },
        "sweep-history" => o with { SweepHistory = Ints(v) },
        "sweep-seconds" => o with { SweepSeconds = Num(v) },
        "duration" => o with { Duration = Num(v) },
        "chat-rate" => o with { ChatRate = Num(v) },
        "chat-share" => o with { ChatRateShare = Num(v) },
        "flag-rate" => o with { FlagRate = Num(v) },
        "boot-rate" => o with { BootRate = Num(v) },
        "agents" => o with { Agents = Int(v) },
        "seniors" => o with { Seniors = Int(v) },
        "think-ms" => o with { AgentThinkMs = Int(v) },
        "appeal-share" => o with { AppealShare = Num(v) },
        "flags-per-reporter" => o with { FlagsPerReporter = Int(v) },
        "storm-cases" => o with { StormCases = Int(v) },
        "storm-agents" => o with { StormAgents = Int(v) },
        "storm-warmup" => o with { StormWarmupCases = Int(v) },
        "memory-rooms" => o with { MemoryRooms = Int(v) },
        "memory-messages" => o with { MemoryMessages = Int(v) },
        "verify" => o with { Verify = bool.Parse(v) },
        "retained-per-room" => o with { RetainedPerRoom = Int(v) },
        "watch" => o with { WatchPids = Pids(v) },
        "max-run" => o with { MaxRunSeconds = Num(v) },
        _ => throw new ArgumentException($"Unknown option --{name}. Run with --help true for the list."),
    };

    private static void Validate(LoadOptions o)
    {
        // SPEC: load tests only ever talk to this machine.
        if (o.Target == TargetKind.Http && !o.Url.IsLoopback)
        {
            throw new ArgumentException($"--url must be a loopback address (127.0.0.1, localhost, [::1]), not {o.Url.Host}.");
        }
        if (o.Rooms < 1 || o.Users < 1 || o.Concurrency < 1 || o.MaxInFlight < 1)
        {
            throw new ArgumentException("--rooms, --users, --concurrency and --max-in-flight must be at least 1.");
        }
        if (o.FlagsPerReporter < 1)
        {
            throw new ArgumentException("--flags-per-reporter must be at least 1.");
        }
        if (o.MemoryRooms > 0 && o.Target != TargetKind.Orleans)
        {
            throw new ArgumentException("The memory phase (--memory-rooms) runs with --target orleans.");
        }
    }

    private static int Int(string v) => int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static double Num(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static int[] Ints(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Int).ToArray();

    private static Dictionary<string, int> Pids(string v) => v
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(p => p[0], p => Int(p[1]), StringComparer.Ordinal);
}
