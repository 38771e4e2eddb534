using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

/// <summary>An appeal as a senior agent reviews it, with the original case (reporters aliased).</summary>
public sealed record AppealDetailResponse(
    string AppealId,
    string UserId,
    string Text,
    AppealStatus Status,
    SanctionRecordResponse Sanction,
    CaseDetailResponse OriginalCase,
    DateTimeOffset FiledAt,
    string? ClaimedBy,
    DateTimeOffset? LeaseUntil,
    string? Response,
    string? DecidedBy,
    DateTimeOffset? DecidedAt)
{
    public static AppealDetailResponse From(AppealDetail a) => new(
        a.AppealId,
        a.UserId,
        a.Text,
        a.Status,
        SanctionRecordResponse.From(a.Sanction),
        CaseDetailResponse.From(a.OriginalCase),
        a.FiledAt,
        a.ClaimedBy,
        a.LeaseUntil,
        a.Response,
        a.DecidedBy,
        a.DecidedAt);
}

public sealed record DecideAppealRequest(
    [property: Required] AppealOutcome? Outcome = null,
    [property: Required] string? Response = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.Require("outcome", Outcome);
        errors.RequireText("response", Response);
    }

    public AppealDecisionRequest ToContract() => new(Outcome!.Value, Response!);
}
