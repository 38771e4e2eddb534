namespace OrleansSafety.Contracts.Model;

[GenerateSerializer, Immutable, Alias("sanction-view")]
public sealed record SanctionView(
    [property: Id(0)] string SanctionId,
    [property: Id(1)] SanctionKind Kind,
    [property: Id(2)] FlagReason Reason,
    [property: Id(3)] DateTimeOffset StartsAt,
    [property: Id(4)] DateTimeOffset? EndsAt,
    [property: Id(5)] AppealStatus? AppealStatus,
    [property: Id(6)] string CaseId,
    [property: Id(7)] DateTimeOffset? LiftedAt = null);

[GenerateSerializer, Immutable, Alias("standing")]
public sealed record Standing(
    [property: Id(0)] string UserId,
    [property: Id(1)] bool CanChat,
    [property: Id(2)] bool CanPlay,
    [property: Id(3)] int Strikes,
    [property: Id(4)] IReadOnlyList<SanctionView> ActiveSanctions);

public static class NoticeKinds
{
    public const string Sanction = "sanction";
    public const string ReportOutcome = "report_outcome";
    public const string AppealDecision = "appeal_decision";
    public const string Boot = "boot";
}

/// <summary>A statement of reasons or an update for the user. Never names a reporter.</summary>
[GenerateSerializer, Immutable, Alias("notice")]
public sealed record Notice(
    [property: Id(0)] string NoticeId,
    [property: Id(1)] string Kind,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] string Summary,
    [property: Id(4)] FlagReason? Reason = null,
    [property: Id(5)] SanctionView? Sanction = null,
    [property: Id(6)] FlagContent? Content = null);

/// <summary>The appellant's view of an appeal: status and the response, never the reporter.</summary>
[GenerateSerializer, Immutable, Alias("appeal-view")]
public sealed record AppealView(
    [property: Id(0)] string AppealId,
    [property: Id(1)] string SanctionId,
    [property: Id(2)] AppealStatus Status,
    [property: Id(3)] string? Response,
    [property: Id(4)] DateTimeOffset FiledAt,
    [property: Id(5)] DateTimeOffset? DecidedAt);

/// <summary>What a senior agent reviews: the appeal, the sanction and the original case with reporters aliased.</summary>
[GenerateSerializer, Immutable, Alias("appeal-detail")]
public sealed record AppealDetail(
    [property: Id(0)] string AppealId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Text,
    [property: Id(3)] AppealStatus Status,
    [property: Id(4)] SanctionView Sanction,
    [property: Id(5)] CaseDetail OriginalCase,
    [property: Id(6)] DateTimeOffset FiledAt,
    [property: Id(7)] string? ClaimedBy,
    [property: Id(8)] DateTimeOffset? LeaseUntil,
    [property: Id(9)] string? Response,
    [property: Id(10)] string? DecidedBy,
    [property: Id(11)] DateTimeOffset? DecidedAt);

[GenerateSerializer, Immutable, Alias("case-history-entry")]
public sealed record CaseHistoryEntry(
    [property: Id(0)] string CaseId,
    [property: Id(1)] TargetType TargetType,
    [property: Id(2)] FlagReason Reason,
    [property: Id(3)] DateTimeOffset OpenedAt,
    [property: Id(4)] CaseOutcome? Outcome,
    [property: Id(5)] DateTimeOffset? DecidedAt);

/// <summary>Everything agents see about a user: their sanctions, the cases about them, boots and appeals.</summary>
[GenerateSerializer, Immutable, Alias("user-history")]
public sealed record UserHistory(
    [property: Id(0)] string UserId,
    [property: Id(1)] Standing Standing,
    [property: Id(2)] IReadOnlyList<SanctionView> Sanctions,
    [property: Id(3)] IReadOnlyList<CaseHistoryEntry> Cases,
    [property: Id(4)] IReadOnlyList<BootView> Boots,
    [property: Id(5)] IReadOnlyList<AppealView> Appeals,
    [property: Id(6)] ReporterAccuracy AsReporter);
