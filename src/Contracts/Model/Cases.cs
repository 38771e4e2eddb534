namespace OrleansSafety.Contracts.Model;

/// <summary>A reporter as agents see them: a case-scoped alias, never the real id.</summary>
[GenerateSerializer, Immutable, Alias("reporter-view")]
public sealed record ReporterView(
    [property: Id(0)] string Alias,
    [property: Id(1)] FlagReason Reason,
    [property: Id(2)] string? Comment,
    [property: Id(3)] ReporterAccuracy Accuracy,
    [property: Id(4)] DateTimeOffset FiledAt);

/// <summary>A reporter's track record: how many of their decided reports were upheld.</summary>
[GenerateSerializer, Immutable, Alias("reporter-accuracy")]
public sealed record ReporterAccuracy(
    [property: Id(0)] int Upheld,
    [property: Id(1)] int Rejected)
{
    public static readonly ReporterAccuracy Unknown = new(0, 0);

    /// <summary>Laplace-smoothed share of upheld reports: 0.5 for a newcomer, towards 1 for a reliable reporter.</summary>
    public double Score => (Upheld + 1.0) / (Upheld + Rejected + 2.0);
}

[GenerateSerializer, Immutable, Alias("sanction-spec")]
public sealed record SanctionSpec(
    [property: Id(0)] SanctionKind Kind,
    [property: Id(1)] int? DurationMinutes);

[GenerateSerializer, Immutable, Alias("decision-request")]
public sealed record DecisionRequest(
    [property: Id(0)] CaseOutcome Outcome,
    [property: Id(1)] FlagReason? Reason,
    [property: Id(2)] SanctionSpec? Sanction,
    [property: Id(3)] string? Note);

[GenerateSerializer, Immutable, Alias("decision-view")]
public sealed record DecisionView(
    [property: Id(0)] string CaseId,
    [property: Id(1)] CaseOutcome Outcome,
    [property: Id(2)] FlagReason Reason,
    [property: Id(3)] string DecidedBy,
    [property: Id(4)] DateTimeOffset DecidedAt,
    [property: Id(5)] SanctionView? Sanction,
    [property: Id(6)] string? Note,
    [property: Id(7)] bool Overturned = false);

[GenerateSerializer, Immutable, Alias("case-summary")]
public sealed record CaseSummary(
    [property: Id(0)] string CaseId,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] TargetType TargetType,
    [property: Id(3)] string AccusedUserId,
    [property: Id(4)] FlagReason TopReason,
    [property: Id(5)] int Reporters,
    [property: Id(6)] double Priority,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] string? ClaimedBy,
    [property: Id(9)] DateTimeOffset? LeaseUntil);

[GenerateSerializer, Immutable, Alias("case-detail")]
public sealed record CaseDetail(
    [property: Id(0)] string CaseId,
    [property: Id(1)] CaseStatus Status,
    [property: Id(2)] FlagTarget Target,
    [property: Id(3)] string AccusedUserId,
    [property: Id(4)] IReadOnlyList<FlagReason> Reasons,
    [property: Id(5)] IReadOnlyList<ReporterView> Reporters,
    [property: Id(6)] Evidence Evidence,
    [property: Id(7)] double Priority,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] string? ClaimedBy,
    [property: Id(10)] DateTimeOffset? LeaseUntil,
    [property: Id(11)] DecisionView? Decision,
    [property: Id(12)] SanctionSpec? SuggestedSanction);

[GenerateSerializer, Immutable, Alias("queue-overview")]
public sealed record QueueOverview(
    [property: Id(0)] int Open,
    [property: Id(1)] int Claimed,
    [property: Id(2)] double OldestOpenAgeSeconds,
    [property: Id(3)] IReadOnlyList<CaseSummary> Items);
