using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>One user: sanctions, strikes, notices, appeals, history, and their record as a reporter.</summary>
[Alias("user")]
public interface IUserGrain : IGrainWithStringKey
{
    [Alias("standing"), ReadOnly]
    Task<Standing> GetStandingAsync();

    [Alias("notices"), ReadOnly]
    Task<IReadOnlyList<Notice>> GetNoticesAsync();

    [Alias("history"), ReadOnly]
    Task<UserHistory> GetHistoryAsync();

    [Alias("file-appeal")]
    Task<AppealView> FileAppealAsync(string sanctionId, string text);

    [Alias("get-appeal"), ReadOnly]
    Task<AppealView> GetAppealAsync(string appealId);

    /// <summary>A room asks once, then caches the answer; the user grain pushes changes to the rooms that asked.</summary>
    [Alias("chat-restriction")]
    Task<ChatRestriction> GetChatRestrictionAsync(string roomId);

    [Alias("reporter-accuracy"), ReadOnly]
    Task<ReporterAccuracy> GetReporterAccuracyAsync();

    [Alias("record-case-opened")]
    Task RecordCaseOpenedAsync(CaseHistoryEntry entry);

    /// <summary>Applies a case decision: a strike and a sanction for a violation. Idempotent per case.</summary>
    [Alias("apply-verdict")]
    Task<SanctionView?> ApplyVerdictAsync(CaseVerdict verdict);

    /// <summary>Updates this user's record as a reporter. Idempotent per flag and outcome.</summary>
    [Alias("record-report-outcome")]
    Task RecordReportOutcomeAsync(string flagId, bool upheld);

    [Alias("record-boot")]
    Task RecordBootAsync(BootView boot);

    [Alias("appeal-detail"), ReadOnly]
    Task<AppealRecord> GetAppealRecordAsync(string appealId);

    [Alias("mark-appeal-in-review")]
    Task MarkAppealInReviewAsync(string appealId, bool inReview);

    /// <summary>Applies a senior agent's answer to an appeal. Idempotent.</summary>
    [Alias("resolve-appeal")]
    Task<AppealView> ResolveAppealAsync(string appealId, AppealDecisionRequest decision, string agentId);
}

/// <summary>A case decision as the accused's user grain needs it.</summary>
[GenerateSerializer, Immutable, Alias("case-verdict")]
public sealed record CaseVerdict(
    [property: Id(0)] string CaseId,
    [property: Id(1)] CaseOutcome Outcome,
    [property: Id(2)] FlagReason Reason,
    [property: Id(3)] SanctionSpec? ExplicitSanction,
    [property: Id(4)] string DecidedBy,
    [property: Id(5)] DateTimeOffset DecidedAt,
    [property: Id(6)] TargetType TargetType,
    [property: Id(7)] FlagContent? AccusedContent);

/// <summary>An appeal as the appeal desk needs it: the appellant's text and what it is about.</summary>
[GenerateSerializer, Immutable, Alias("appeal-record")]
public sealed record AppealRecord(
    [property: Id(0)] string AppealId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Text,
    [property: Id(3)] AppealStatus Status,
    [property: Id(4)] SanctionView Sanction,
    [property: Id(5)] string DecidedBy,
    [property: Id(6)] DateTimeOffset FiledAt,
    [property: Id(7)] string? Response,
    [property: Id(8)] string? ReviewedBy,
    [property: Id(9)] DateTimeOffset? DecidedAt);
