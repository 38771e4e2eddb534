using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>One moderation agent: roles, password hash, and the cases and appeals they hold.</summary>
[Alias("agent")]
public interface IAgentGrain : IGrainWithStringKey
{
    [Alias("create")]
    Task<AgentProfile> CreateAsync(AgentRegistration registration);

    [Alias("update")]
    Task<AgentProfile> UpdateAsync(AgentRoles? roles, bool? disabled, string? passwordHash, string changedBy);

    [Alias("credentials"), ReadOnly]
    Task<AgentCredentials?> GetCredentialsAsync();

    [Alias("profile"), ReadOnly]
    Task<AgentProfile?> GetProfileAsync();

    /// <summary>Claims the best open case; null when there is none. At most the configured number (5) held at once.</summary>
    [Alias("claim-next-case")]
    Task<CaseDetail?> ClaimNextCaseAsync();

    [Alias("renew-case")]
    Task<DateTimeOffset> RenewCaseAsync(string caseId);

    [Alias("release-case")]
    Task ReleaseCaseAsync(string caseId);

    [Alias("decide-case")]
    Task<DecisionView> DecideCaseAsync(string caseId, DecisionRequest decision);

    /// <summary>Claims the oldest pending appeal this agent did not cause; senior agents only.</summary>
    [Alias("claim-next-appeal")]
    Task<AppealDetail?> ClaimNextAppealAsync();

    /// <summary>An appeal this agent holds, e.g. to show it again after a page reload; Conflict if not held.</summary>
    [Alias("held-appeal")]
    Task<AppealDetail> GetHeldAppealAsync(string appealId);

    /// <summary>Gives a held appeal back to the queue for another senior agent.</summary>
    [Alias("release-appeal")]
    Task ReleaseAppealAsync(string appealId);

    [Alias("decide-appeal")]
    Task<AppealDetail> DecideAppealAsync(string appealId, AppealDecisionRequest decision);
}

/// <summary>The list of agents, for admins. Agents are few (hundreds), so one grain keeps the ids.</summary>
[Alias("agent-directory")]
public interface IAgentDirectoryGrain : IGrainWithStringKey
{
    [Alias("register")]
    Task RegisterAsync(string agentId);

    [Alias("list"), ReadOnly]
    Task<IReadOnlyList<string>> ListAsync();
}
