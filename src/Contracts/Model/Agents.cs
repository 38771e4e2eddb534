namespace OrleansSafety.Contracts.Model;

/// <summary>A new agent. The gateway hashes the password; grains only ever see the hash.</summary>
[GenerateSerializer, Immutable, Alias("agent-registration")]
public sealed record AgentRegistration(
    [property: Id(0)] AgentRoles Roles,
    [property: Id(1)] string PasswordHash,
    [property: Id(2)] string CreatedBy);

[GenerateSerializer, Immutable, Alias("agent-credentials")]
public sealed record AgentCredentials(
    [property: Id(0)] string AgentId,
    [property: Id(1)] AgentRoles Roles,
    [property: Id(2)] string PasswordHash,
    [property: Id(3)] bool Disabled);

[GenerateSerializer, Immutable, Alias("agent-profile")]
public sealed record AgentProfile(
    [property: Id(0)] string AgentId,
    [property: Id(1)] AgentRoles Roles,
    [property: Id(2)] bool Disabled,
    [property: Id(3)] IReadOnlyList<string> ClaimedCases,
    [property: Id(4)] IReadOnlyList<string> ClaimedAppeals,
    [property: Id(5)] DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable, Alias("appeal-decision-request")]
public sealed record AppealDecisionRequest(
    [property: Id(0)] AppealOutcome Outcome,
    [property: Id(1)] string Response);
