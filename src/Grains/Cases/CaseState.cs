namespace OrleansSafety.Grains.Cases;

[GenerateSerializer, Alias("case-state")]
public sealed class CaseState
{
    [Id(0)] public FlagTarget? Target { get; set; }

    [Id(1)] public string AccusedUserId { get; set; } = "";

    [Id(2)] public List<CaseFlagRecord> Flags { get; set; } = [];

    /// <summary>The evidence frozen by the flag that opened the case; its hash proves it is unchanged.</summary>
    [Id(3)] public Evidence? Evidence { get; set; }

    [Id(4)] public DateTimeOffset CreatedAt { get; set; }

    [Id(5)] public CaseStatus Status { get; set; }

    [Id(6)] public string? ClaimedBy { get; set; }

    [Id(7)] public DateTimeOffset? LeaseUntil { get; set; }

    [Id(8)] public DecisionView? Decision { get; set; }

    /// <summary>
    /// True between persisting a decision and finishing its effects on other grains (sanction, reporters, queue).
    /// A case reactivated with this set finishes them, so a crash mid-decision loses nothing; every effect is
    /// idempotent.
    /// </summary>
    [Id(9)] public bool EffectsPending { get; set; }

    [Id(10)] public string? OverturnedByAppeal { get; set; }

    [Id(11)] public int Partition { get; set; }

    [Id(12)] public bool EverClaimed { get; set; }

    /// <summary>The agent's explicit sanction, kept (durably) only until the user grain has applied it.</summary>
    [Id(13)] public SanctionSpec? PendingSanction { get; set; }

    /// <summary>When an agent first claimed the case: its flags have been in review since (or since they came).</summary>
    [Id(14)] public DateTimeOffset? FirstClaimedAt { get; set; }

    [Id(15)] public DateTimeOffset? OverturnedAt { get; set; }
}

/// <summary>One flag in a case. The reporter id stays inside the case grain; agents see only the alias.</summary>
[GenerateSerializer, Alias("case-flag-record")]
public sealed record CaseFlagRecord(
    [property: Id(0)] string FlagId,
    [property: Id(1)] string ReporterId,
    [property: Id(2)] string Alias,
    [property: Id(3)] FlagReason Reason,
    [property: Id(4)] string? Comment,
    [property: Id(5)] ReporterAccuracy Accuracy,
    [property: Id(6)] DateTimeOffset FiledAt);
