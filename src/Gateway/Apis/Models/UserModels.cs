using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

/// <summary>
/// What the game backend may show a user about themselves. Built field by field from the contract records so
/// that nothing identifying a reporter can ride along if a contract record grows.
/// </summary>
public sealed record StandingResponse(string UserId, bool CanChat, bool CanPlay, int Strikes, IReadOnlyList<SanctionResponse> ActiveSanctions)
{
    public static StandingResponse From(Standing standing) =>
        new(standing.UserId, standing.CanChat, standing.CanPlay, standing.Strikes, standing.ActiveSanctions.Select(SanctionResponse.From).ToList());
}

public sealed record SanctionResponse(
    string SanctionId,
    SanctionKind Kind,
    FlagReason Reason,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    AppealStatus? AppealStatus)
{
    public static SanctionResponse From(SanctionView sanction) =>
        new(sanction.SanctionId, sanction.Kind, sanction.Reason, sanction.StartsAt, sanction.EndsAt, sanction.AppealStatus);
}

public sealed record NoticesResponse(IReadOnlyList<NoticeResponse> Notices);

public sealed record NoticeResponse(
    string NoticeId,
    string Kind,
    DateTimeOffset CreatedAt,
    string Summary,
    FlagReason? Reason,
    SanctionResponse? Sanction,
    ContentResponse? Content)
{
    public static NoticeResponse From(Notice notice) => new(
        notice.NoticeId,
        notice.Kind,
        notice.CreatedAt,
        notice.Summary,
        notice.Reason,
        notice.Sanction is null ? null : SanctionResponse.From(notice.Sanction),
        ContentResponse.From(notice.Content));
}

public sealed record ContentResponse(string? Text, string? MediaUrl)
{
    public static ContentResponse? From(FlagContent? content) => content is null ? null : new(content.Text, content.MediaUrl);
}

public sealed record FileAppealRequest([property: Required] string? SanctionId = null, [property: Required] string? Text = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.RequireId("sanctionId", SanctionId);
        errors.RequireText("text", Text);
    }
}

public sealed record AppealFiledResponse(string AppealId, AppealStatus Status);

public sealed record AppealResponse(
    string AppealId,
    string SanctionId,
    AppealStatus Status,
    string? Response,
    DateTimeOffset FiledAt,
    DateTimeOffset? DecidedAt)
{
    public static AppealResponse From(AppealView appeal) =>
        new(appeal.AppealId, appeal.SanctionId, appeal.Status, appeal.Response, appeal.FiledAt, appeal.DecidedAt);
}

/// <summary>GET /users/{userId}/history, for agents: everything about the user, still without reporter ids.</summary>
public sealed record UserHistoryResponse(
    string UserId,
    StandingResponse Standing,
    IReadOnlyList<SanctionRecordResponse> Sanctions,
    IReadOnlyList<CaseHistoryResponse> Cases,
    IReadOnlyList<BootRecordResponse> Boots,
    IReadOnlyList<AppealResponse> Appeals,
    ReporterRecordResponse AsReporter)
{
    public static UserHistoryResponse From(UserHistory history) => new(
        history.UserId,
        StandingResponse.From(history.Standing),
        history.Sanctions.Select(SanctionRecordResponse.From).ToList(),
        history.Cases.Select(CaseHistoryResponse.From).ToList(),
        history.Boots.Select(BootRecordResponse.From).ToList(),
        history.Appeals.Select(AppealResponse.From).ToList(),
        ReporterRecordResponse.From(history.AsReporter));
}

/// <summary>A sanction as agents see it: with its case and when it was lifted.</summary>
public sealed record SanctionRecordResponse(
    string SanctionId,
    SanctionKind Kind,
    FlagReason Reason,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    AppealStatus? AppealStatus,
    string CaseId,
    DateTimeOffset? LiftedAt)
{
    public static SanctionRecordResponse From(SanctionView s) =>
        new(s.SanctionId, s.Kind, s.Reason, s.StartsAt, s.EndsAt, s.AppealStatus, s.CaseId, s.LiftedAt);
}

public sealed record CaseHistoryResponse(
    string CaseId,
    TargetType TargetType,
    FlagReason Reason,
    DateTimeOffset OpenedAt,
    CaseOutcome? Outcome,
    DateTimeOffset? DecidedAt)
{
    public static CaseHistoryResponse From(CaseHistoryEntry e) => new(e.CaseId, e.TargetType, e.Reason, e.OpenedAt, e.Outcome, e.DecidedAt);
}

public sealed record BootRecordResponse(
    string BootId,
    string RoomId,
    string UserId,
    string ActorId,
    DateTimeOffset At,
    DateTimeOffset Until,
    string? Reason,
    DateTimeOffset? LiftedAt)
{
    public static BootRecordResponse From(BootView b) => new(b.BootId, b.RoomId, b.UserId, b.ActorId, b.At, b.Until, b.Reason, b.LiftedAt);
}

/// <summary>A reporter's track record: the smoothed share of upheld reports, and the counts behind it.</summary>
public sealed record ReporterRecordResponse(double Accuracy, int Upheld, int Rejected)
{
    public static ReporterRecordResponse From(ReporterAccuracy a) => new(a.Score, a.Upheld, a.Rejected);
}
