using System.Globalization;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>
/// Short form (the default, what <c>dotnet test</c> runs: the whole project in about 3–4 minutes on 2 cores) or long
/// form (<c>scripts/chaos.sh</c>: <c>CHAOS_MODE=long</c>, durations from the environment). Only durations and counts
/// differ; the faults, the load and the verification are the same code.
/// </summary>
public sealed record ChaosSettings
{
    public bool Long { get; init; }

    /// <summary>Load before the first fault of a test, so every grain type is active when it strikes.</summary>
    public TimeSpan WarmUp { get; init; }

    /// <summary>Load after the cluster has recovered from a fault, before the load stops and the verifier runs.</summary>
    public TimeSpan AfterRecovery { get; init; }

    /// <summary>Silo kill test: how long to keep killing (one kill every <see cref="KillInterval"/>).</summary>
    public TimeSpan KillPhase { get; init; }

    public TimeSpan KillInterval { get; init; }

    /// <summary>PostgreSQL restarts in the database test, and how long the server stays down each time.</summary>
    public int PostgresRestarts { get; init; }

    public TimeSpan PostgresDownFor { get; init; }

    /// <summary>How long grain-state writes are refused in the database test.</summary>
    public TimeSpan WritesRefusedFor { get; init; }

    /// <summary>Chat messages per second the whole load aims at (flags, decisions, appeals follow from it).</summary>
    public int ChatPerSecond { get; init; }

    public int FlagsPerSecond { get; init; }

    /// <summary>Long form only: a 1-minute mute decided before a fault must end by itself after it.</summary>
    public bool CheckMuteExpiry { get; init; }

    /// <summary>Markdown file the measured table is appended to (scripts/chaos.sh sets it), or null.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Build configuration of the silo and gateway binaries; default: the tests' own.</summary>
    public string? Configuration { get; init; }

    public static ChaosSettings Current { get; } = FromEnvironment();

    private static ChaosSettings FromEnvironment()
    {
        var isLong = string.Equals(Environment.GetEnvironmentVariable("CHAOS_MODE"), "long", StringComparison.OrdinalIgnoreCase);
        var duration = Seconds("CHAOS_DURATION_SECONDS", isLong ? 120 : 0);
        return new ChaosSettings
        {
            Long = isLong,
            WarmUp = TimeSpan.FromSeconds(isLong ? 10 : 4),
            AfterRecovery = TimeSpan.FromSeconds(Seconds("CHAOS_AFTER_RECOVERY_SECONDS", isLong ? 15 : 4)),
            KillPhase = TimeSpan.FromSeconds(isLong ? Math.Max(duration, 20) : 1),
            KillInterval = TimeSpan.FromSeconds(Seconds("CHAOS_KILL_INTERVAL_SECONDS", 20)),
            PostgresRestarts = (int)Seconds("CHAOS_PG_RESTARTS", isLong ? 3 : 1),
            PostgresDownFor = TimeSpan.FromSeconds(Seconds("CHAOS_PG_DOWN_SECONDS", isLong ? 5 : 2)),
            WritesRefusedFor = TimeSpan.FromSeconds(Seconds("CHAOS_WRITES_REFUSED_SECONDS", isLong ? 10 : 3)),
            ChatPerSecond = (int)Seconds("CHAOS_CHAT_PER_SECOND", isLong ? 300 : 150),
            FlagsPerSecond = (int)Seconds("CHAOS_FLAGS_PER_SECOND", isLong ? 20 : 12),
            CheckMuteExpiry = isLong,
            ReportPath = Environment.GetEnvironmentVariable("CHAOS_REPORT") is { Length: > 0 } path ? path : null,
            Configuration = Environment.GetEnvironmentVariable("CHAOS_CONFIGURATION") is { Length: > 0 } c ? c : null,
        };
    }

    private static double Seconds(string name, double fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
            : fallback;
}
