namespace OrleansSafety.Grains;

/// <summary>Every tunable of the domain, bound from the configuration section "Moderation"; defaults are SPEC §2's.</summary>
public sealed class ModerationOptions
{
    public const string SectionName = "Moderation";

    /// <summary>Messages kept on each side of a flagged message in chat evidence.</summary>
    public int SnapshotRadius { get; set; } = 25;

    /// <summary>Messages captured when a chat flag names no message.</summary>
    public int SnapshotLatest { get; set; } = 50;

    /// <summary>Newest messages a room keeps in memory; older ones are read from the journal.</summary>
    public int RoomHistoryCapacity { get; set; } = 200;

    /// <summary>Newest messages per room the in-memory journal keeps (no-database mode only).</summary>
    public int InMemoryJournalCapacity { get; set; } = 1000;

    /// <summary>How long a room trusts a cached "may chat" answer before asking the user grain again.</summary>
    public TimeSpan RestrictionCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    public int MaxClaimsPerAgent { get; set; } = 5;

    public int QueuePartitions { get; set; } = 8;

    /// <summary>How often each queue partition looks for lapsed leases.</summary>
    public TimeSpan LeaseSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Priority points a case gains per hour of waiting, so that no case starves.</summary>
    public double AgingPointsPerHour { get; set; } = 2;

    public TimeSpan StrikeWindow { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan AppealWindow { get; set; } = TimeSpan.FromDays(180);

    public int DefaultBootMinutes { get; set; } = 60;

    public int MaxBootMinutes { get; set; } = 10080;

    /// <summary>The default ladder: the sanction for the Nth strike in the window (the last step repeats).</summary>
    public List<LadderStep> Ladder { get; set; } =
    [
        new() { Strikes = 1, Kind = SanctionKind.Warning },
        new() { Strikes = 2, Kind = SanctionKind.Mute, DurationMinutes = 24 * 60 },
        new() { Strikes = 3, Kind = SanctionKind.Suspension, DurationMinutes = 7 * 24 * 60 },
        new() { Strikes = 4, Kind = SanctionKind.Ban },
    ];

    public SanctionSpec SanctionForStrikes(int strikes)
    {
        var step = Ladder.OrderBy(s => s.Strikes).LastOrDefault(s => s.Strikes <= strikes) ?? Ladder.OrderBy(s => s.Strikes).First();
        return new SanctionSpec(step.Kind, step.DurationMinutes);
    }
}

public sealed class LadderStep
{
    public int Strikes { get; set; }

    public SanctionKind Kind { get; set; }

    public int? DurationMinutes { get; set; }
}
