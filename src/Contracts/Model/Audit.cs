namespace OrleansSafety.Contracts.Model;

/// <summary>The actions SPEC §2 requires to be audited, plus flag intake for the transparency counts.</summary>
public static class AuditActions
{
    public const string FlagReceived = "flag_received";
    public const string CaseClaimed = "case_claimed";
    public const string CaseReleased = "case_released";
    public const string LeaseRenewed = "lease_renewed";
    public const string LeaseLapsed = "lease_lapsed";
    public const string CaseDecided = "case_decided";
    public const string ReportersRevealed = "reporters_revealed";
    public const string UserBooted = "user_booted";
    public const string UserUnbooted = "user_unbooted";
    public const string AppealFiled = "appeal_filed";
    public const string AppealClaimed = "appeal_claimed";
    public const string AppealDecided = "appeal_decided";
    public const string AgentCreated = "agent_created";
    public const string AgentChanged = "agent_changed";
}

/// <summary>
/// One audited action. <see cref="ActorId"/> is an agent, a room member, or "system"; reporter ids never appear
/// here (flag intake is recorded with the actor "reporter").
/// </summary>
[GenerateSerializer, Immutable, Alias("audit-entry")]
public sealed record AuditEntry(
    [property: Id(0)] string EntryId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Action,
    [property: Id(3)] string ActorId,
    [property: Id(4)] string? CaseId = null,
    [property: Id(5)] string? UserId = null,
    [property: Id(6)] string? AgentId = null,
    [property: Id(7)] string? RoomId = null,
    [property: Id(8)] string? AppealId = null,
    [property: Id(9)] IReadOnlyDictionary<string, string>? Details = null);

[GenerateSerializer, Immutable, Alias("audit-query")]
public sealed record AuditQuery(
    [property: Id(0)] string? CaseId,
    [property: Id(1)] string? UserId,
    [property: Id(2)] string? AgentId,
    [property: Id(3)] int Limit);

[GenerateSerializer, Immutable, Alias("transparency-report")]
public sealed record TransparencyReport(
    [property: Id(0)] DateTimeOffset From,
    [property: Id(1)] DateTimeOffset To,
    [property: Id(2)] IReadOnlyDictionary<string, int> FlagsByReason,
    [property: Id(3)] IReadOnlyDictionary<string, int> DecisionsByOutcome,
    [property: Id(4)] IReadOnlyDictionary<string, int> SanctionsByKind,
    [property: Id(5)] double? MedianSecondsToDecision,
    [property: Id(6)] int AppealsFiled,
    [property: Id(7)] int AppealsDecided,
    [property: Id(8)] int AppealsOverturned,
    [property: Id(9)] double? OverturnRate);
