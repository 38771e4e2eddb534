using System.Text.Json.Serialization;

namespace OrleansSafety.LoadTest.Targets;

// The wire shapes the tool sends and reads (docs/API.md). Only the fields it uses; unknown fields are ignored both
// ways. Source-generated so that serialization costs the load tool as little CPU as possible: it shares the cores
// with the system it measures.

internal sealed record RoomBody(string OwnerId, IReadOnlyList<string> ModeratorIds, string? Name);

internal sealed record PostBody(string UserId, string Text);

internal sealed record PostedBody(long Seq);

internal sealed record MessagesBody(IReadOnlyList<MessageBody> Messages);

internal sealed record MessageBody(long Seq, string UserId, string Text);

internal sealed record FlagBody(string ReporterId, FlagTargetBody Target, string Reason, string? Comment);

internal sealed record FlagTargetBody(
    string Type,
    string? Id,
    string? RoomId,
    long? MessageSeq,
    string? AccusedUserId,
    string? OwnerId,
    FlagContentBody? Content);

internal sealed record FlagContentBody(string? Text, string? MediaUrl);

internal sealed record FlagAcceptedBody(string FlagId, string Status);

internal sealed record FlagStatusBody(string FlagId, string Status);

internal sealed record BootBody(string ActorId, string UserId, int Minutes, string? Reason);

internal sealed record BootedBody(string BootId);

internal sealed record AppealBody(string SanctionId, string Text);

internal sealed record AppealFiledBody(string AppealId);

internal sealed record CreateAgentBody(string AgentId, string Password, IReadOnlyList<string> Roles);

internal sealed record LoginBody(string AgentId, string Password);

internal sealed record TokenBody(string AccessToken);

internal sealed record DecisionBody(string Outcome, string Reason, SanctionBody? Sanction, string? Note);

internal sealed record SanctionBody(string Kind, int? DurationMinutes);

internal sealed record DecisionAnswerBody(SanctionAnswerBody? Sanction, string DecidedBy);

internal sealed record SanctionAnswerBody(string SanctionId, string Kind);

internal sealed record AppealClaimBody(string AppealId);

internal sealed record AppealDecisionBody(string Outcome, string Response);

internal sealed record CaseBody(
    string CaseId,
    string Status,
    string AccusedUserId,
    IReadOnlyList<CaseReporterBody> Reporters,
    string? ClaimedBy,
    CaseDecisionBody? Decision);

internal sealed record CaseReporterBody(string Alias);

internal sealed record CaseDecisionBody(string DecidedBy);

internal sealed record AuditBody(IReadOnlyList<AuditEntryBody> Entries);

internal sealed record AuditEntryBody(string EntryId, string Action, string ActorId, string? CaseId, string? UserId);

internal sealed record ProblemBody(string? Type, string? Title, string? Detail);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(RoomBody))]
[JsonSerializable(typeof(PostBody))]
[JsonSerializable(typeof(PostedBody))]
[JsonSerializable(typeof(MessagesBody))]
[JsonSerializable(typeof(FlagBody))]
[JsonSerializable(typeof(FlagAcceptedBody))]
[JsonSerializable(typeof(FlagStatusBody))]
[JsonSerializable(typeof(BootBody))]
[JsonSerializable(typeof(BootedBody))]
[JsonSerializable(typeof(AppealBody))]
[JsonSerializable(typeof(AppealFiledBody))]
[JsonSerializable(typeof(CreateAgentBody))]
[JsonSerializable(typeof(LoginBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(DecisionBody))]
[JsonSerializable(typeof(DecisionAnswerBody))]
[JsonSerializable(typeof(AppealClaimBody))]
[JsonSerializable(typeof(AppealDecisionBody))]
[JsonSerializable(typeof(CaseBody))]
[JsonSerializable(typeof(AuditBody))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class HttpJson : JsonSerializerContext;
