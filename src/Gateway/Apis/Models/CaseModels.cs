using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

public sealed record QueueResponse(int Open, int Claimed, double OldestOpenAgeSeconds, IReadOnlyList<CaseSummaryResponse> Items)
{
    public static QueueResponse From(QueueOverview q) =>
        new(q.Open, q.Claimed, q.OldestOpenAgeSeconds, q.Items.Select(CaseSummaryResponse.From).ToList());
}

public sealed record CaseSummaryResponse(
    string CaseId,
    CaseStatus Status,
    TargetType TargetType,
    string AccusedUserId,
    FlagReason TopReason,
    int Reporters,
    double Priority,
    DateTimeOffset CreatedAt,
    string? ClaimedBy,
    DateTimeOffset? LeaseUntil)
{
    public static CaseSummaryResponse From(CaseSummary s) =>
        new(s.CaseId, s.Status, s.TargetType, s.AccusedUserId, s.TopReason, s.Reporters, s.Priority, s.CreatedAt, s.ClaimedBy, s.LeaseUntil);
}

/// <summary>A case as agents review it. Reporters appear only as case-scoped aliases with their track record.</summary>
public sealed record CaseDetailResponse(
    string CaseId,
    CaseStatus Status,
    TargetResponse Target,
    string AccusedUserId,
    IReadOnlyList<FlagReason> Reasons,
    IReadOnlyList<ReporterResponse> Reporters,
    EvidenceResponse Evidence,
    double Priority,
    DateTimeOffset CreatedAt,
    string? ClaimedBy,
    DateTimeOffset? LeaseUntil,
    DecisionResponse? Decision,
    SanctionSpecResponse? SuggestedSanction)
{
    public static CaseDetailResponse From(CaseDetail c) => new(
        c.CaseId,
        c.Status,
        TargetResponse.From(c.Target),
        c.AccusedUserId,
        c.Reasons,
        c.Reporters.Select(ReporterResponse.From).ToList(),
        EvidenceResponse.From(c.Evidence),
        c.Priority,
        c.CreatedAt,
        c.ClaimedBy,
        c.LeaseUntil,
        c.Decision is null ? null : DecisionResponse.From(c.Decision),
        c.SuggestedSanction is null ? null : SanctionSpecResponse.From(c.SuggestedSanction));
}

public sealed record TargetResponse(
    TargetType Type,
    string? Id,
    string? RoomId,
    long? MessageSeq,
    string? AccusedUserId,
    string? OwnerId,
    ContentResponse? Content)
{
    public static TargetResponse From(FlagTarget t) =>
        new(t.Type, t.Id, t.RoomId, t.MessageSeq, t.AccusedUserId, t.OwnerId, ContentResponse.From(t.Content));
}

/// <summary>A reporter under their case alias: reason, comment, and accuracy as a score plus the counts behind it.</summary>
public sealed record ReporterResponse(
    string Alias,
    FlagReason Reason,
    string? Comment,
    double Accuracy,
    int Upheld,
    int Rejected,
    DateTimeOffset FiledAt)
{
    public static ReporterResponse From(ReporterView r) =>
        new(r.Alias, r.Reason, r.Comment, r.Accuracy.Score, r.Accuracy.Upheld, r.Accuracy.Rejected, r.FiledAt);
}

public sealed record EvidenceResponse(
    IReadOnlyList<MessageResponse>? Messages,
    ContentResponse? Content,
    long? FlaggedSeq,
    DateTimeOffset CapturedAt,
    string Sha256)
{
    public static EvidenceResponse From(Evidence e) =>
        new(e.Messages?.Select(MessageResponse.From).ToList(), ContentResponse.From(e.Content), e.FlaggedSeq, e.CapturedAt, e.Sha256);
}

public sealed record DecisionResponse(
    string CaseId,
    CaseOutcome Outcome,
    FlagReason Reason,
    string DecidedBy,
    DateTimeOffset DecidedAt,
    SanctionRecordResponse? Sanction,
    string? Note,
    bool Overturned)
{
    public static DecisionResponse From(DecisionView d) => new(
        d.CaseId,
        d.Outcome,
        d.Reason,
        d.DecidedBy,
        d.DecidedAt,
        d.Sanction is null ? null : SanctionRecordResponse.From(d.Sanction),
        d.Note,
        d.Overturned);
}

public sealed record SanctionSpecResponse(SanctionKind Kind, int? DurationMinutes)
{
    public static SanctionSpecResponse From(SanctionSpec s) => new(s.Kind, s.DurationMinutes);
}

public sealed record LeaseResponse(DateTimeOffset LeaseUntil);

public sealed record DecideCaseRequest(
    [property: Required] CaseOutcome? Outcome = null,
    FlagReason? Reason = null,
    SanctionSpecRequest? Sanction = null,
    string? Note = null) : IValidatableRequest
{
    /// <summary>Longest explicit mute or suspension: a year; anything longer is a ban.</summary>
    public const int MaxDurationMinutes = 525_600;
    public const int MaxNoteLength = ChatText.MaxLength;

    public void Validate(RequestErrors errors)
    {
        errors.Require("outcome", Outcome);
        errors.OptionalText("note", Note, MaxNoteLength);
        if (Sanction is null)
        {
            return;
        }
        if (Outcome == CaseOutcome.NoViolation)
        {
            errors.Add("sanction", "A sanction needs the outcome violation.");
        }
        if (!errors.Require("sanction.kind", Sanction.Kind))
        {
            return;
        }
        if (Sanction.Kind is SanctionKind.Warning or SanctionKind.Ban)
        {
            errors.Forbid("sanction.durationMinutes", Sanction.DurationMinutes, $"A {WireNames.ToWire(Sanction.Kind.Value)} has no duration.");
        }
        else
        {
            errors.Range("sanction.durationMinutes", Sanction.DurationMinutes, 1, MaxDurationMinutes);
        }
    }

    public DecisionRequest ToContract() => new(
        Outcome!.Value,
        Reason,
        Sanction is null ? null : new SanctionSpec(Sanction.Kind!.Value, Sanction.DurationMinutes),
        Note);
}

public sealed record SanctionSpecRequest([property: Required] SanctionKind? Kind = null, int? DurationMinutes = null);

public sealed record RevealRequest([property: Required] string? Why = null) : IValidatableRequest
{
    public const int MaxWhyLength = 1000;

    public void Validate(RequestErrors errors)
    {
        if (errors.RequireText("why", Why, MaxWhyLength) && string.IsNullOrWhiteSpace(Why))
        {
            errors.Add("why", "Say why the reporters must be revealed.");
        }
    }
}

public sealed record RevealResponse(string CaseId, IReadOnlyList<RevealedReporterResponse> Reporters);

public sealed record RevealedReporterResponse(string Alias, string ReporterId, string FlagId)
{
    public static RevealedReporterResponse From(RevealedReporter r) => new(r.Alias, r.ReporterId, r.FlagId);
}
