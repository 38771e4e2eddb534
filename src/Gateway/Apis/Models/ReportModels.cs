namespace OrleansSafety.Gateway.Apis.Models;

public sealed record AuditResponse(IReadOnlyList<AuditEntryResponse> Entries);

public sealed record AuditEntryResponse(
    string EntryId,
    DateTimeOffset At,
    string Action,
    string ActorId,
    string? CaseId,
    string? UserId,
    string? AgentId,
    string? RoomId,
    string? AppealId,
    IReadOnlyDictionary<string, string>? Details)
{
    public static AuditEntryResponse From(AuditEntry e) =>
        new(e.EntryId, e.At, e.Action, e.ActorId, e.CaseId, e.UserId, e.AgentId, e.RoomId, e.AppealId, e.Details);
}

public sealed record TransparencyResponse(
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyDictionary<string, int> FlagsByReason,
    IReadOnlyDictionary<string, int> DecisionsByOutcome,
    IReadOnlyDictionary<string, int> SanctionsByKind,
    double? MedianSecondsToDecision,
    int AppealsFiled,
    int AppealsDecided,
    int AppealsOverturned,
    double? OverturnRate)
{
    public static TransparencyResponse FromReport(TransparencyReport r) => new(
        r.From,
        r.To,
        r.FlagsByReason,
        r.DecisionsByOutcome,
        r.SanctionsByKind,
        r.MedianSecondsToDecision,
        r.AppealsFiled,
        r.AppealsDecided,
        r.AppealsOverturned,
        r.OverturnRate);
}
