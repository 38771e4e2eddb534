namespace OrleansSafety.Grains.Users;

[GenerateSerializer, Alias("user-state")]
public sealed class UserState
{
    [Id(0)] public List<SanctionRecord> Sanctions { get; set; } = [];

    [Id(1)] public List<StrikeRecord> Strikes { get; set; } = [];

    /// <summary>Only in rows written before notices moved to <see cref="Storage.IUserRecordStore"/>: moved there on activation.</summary>
    [Id(2)] public List<Notice> Notices { get; set; } = [];

    [Id(3)] public List<AppealState> Appeals { get; set; } = [];

    [Id(4)] public List<CaseHistoryEntry> Cases { get; set; } = [];

    [Id(5)] public List<BootView> Boots { get; set; } = [];

    /// <summary>Only in rows written before report outcomes moved to <see cref="Storage.IUserRecordStore"/>: moved there on activation.</summary>
    [Id(6)] public Dictionary<string, bool> ReportOutcomes { get; set; } = new(StringComparer.Ordinal);
}

[GenerateSerializer, Alias("sanction-record")]
public sealed class SanctionRecord
{
    [Id(0)] public required string SanctionId { get; init; }

    [Id(1)] public SanctionKind Kind { get; init; }

    [Id(2)] public FlagReason Reason { get; init; }

    [Id(3)] public required string CaseId { get; init; }

    [Id(4)] public DateTimeOffset StartsAt { get; init; }

    [Id(5)] public DateTimeOffset? EndsAt { get; init; }

    [Id(6)] public required string DecidedBy { get; init; }

    /// <summary>Set when an appeal overturned the sanction: it ends at that moment.</summary>
    [Id(7)] public DateTimeOffset? LiftedAt { get; set; }

    public DateTimeOffset? EffectiveEnd => LiftedAt is { } lifted && (EndsAt is null || lifted < EndsAt) ? lifted : EndsAt;

    public bool IsActiveAt(DateTimeOffset now) => StartsAt <= now && (EffectiveEnd is null || EffectiveEnd > now);
}

[GenerateSerializer, Alias("strike-record")]
public sealed class StrikeRecord
{
    [Id(0)] public required string CaseId { get; init; }

    [Id(1)] public DateTimeOffset At { get; init; }

    [Id(2)] public bool Removed { get; set; }
}

[GenerateSerializer, Alias("appeal-state")]
public sealed class AppealState
{
    [Id(0)] public required string AppealId { get; init; }

    [Id(1)] public required string SanctionId { get; init; }

    [Id(2)] public required string Text { get; init; }

    [Id(3)] public AppealStatus Status { get; set; }

    [Id(4)] public DateTimeOffset FiledAt { get; init; }

    [Id(5)] public string? Response { get; set; }

    [Id(6)] public string? ReviewedBy { get; set; }

    [Id(7)] public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>False until the appeal queue has it; re-sent on activation so a crash in between loses nothing.</summary>
    [Id(8)] public bool Queued { get; set; }
}
