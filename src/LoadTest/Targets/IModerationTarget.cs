namespace OrleansSafety.LoadTest.Targets;

/// <summary>
/// The operations the load needs, over HTTP or straight to the grains. Each call either returns what was
/// acknowledged or throws <see cref="OpException"/> saying whether it was refused (an answer the domain gives on
/// purpose: muted, booted, rate-limited, conflict) or failed.
/// </summary>
public interface IModerationTarget : IAsyncDisposable
{
    string Description { get; }

    Task ConfigureRoomAsync(string roomId, string ownerId, IReadOnlyList<string> moderatorIds, CancellationToken ct);

    Task<PostAck> PostMessageAsync(string roomId, string userId, string text, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> messages before <paramref name="beforeSeq"/> (or the newest), oldest first.</summary>
    Task<IReadOnlyList<MessageRow>> GetMessagesAsync(string roomId, long? beforeSeq, int limit, CancellationToken ct);

    Task<string> FileFlagAsync(FlagSpec flag, CancellationToken ct);

    /// <summary>The reporter's view of a flag: its wire status (received, in_review, action_taken, no_violation).</summary>
    Task<string> GetFlagStatusAsync(string flagId, string reporterId, CancellationToken ct);

    Task<string> BootAsync(string roomId, string actorId, string userId, int minutes, CancellationToken ct);

    Task<string> FileAppealAsync(string userId, string sanctionId, string text, CancellationToken ct);

    Task CreateAgentAsync(string agentId, string password, string role, CancellationToken ct);

    Task<IAgentSession> SignInAsync(string agentId, string password, CancellationToken ct);

    /// <summary>The HTTP ceiling: the gateway's no-op endpoint (HTTP target only).</summary>
    Task NoopAsync(CancellationToken ct);

    /// <summary>The Orleans ceiling: one trivial grain call, through the gateway for the HTTP target.</summary>
    Task PingAsync(string key, CancellationToken ct);
}

/// <summary>What a signed-in agent does (and what the verifier reads with an agent's rights).</summary>
public interface IAgentSession
{
    string AgentId { get; }

    /// <summary>The next case, or null when there is nothing to claim.</summary>
    Task<ClaimedCase?> ClaimNextCaseAsync(CancellationToken ct);

    Task<DecisionAck> DecideAsync(string caseId, DecisionSpec decision, CancellationToken ct);

    Task<ClaimedAppeal?> ClaimNextAppealAsync(CancellationToken ct);

    Task DecideAppealAsync(string appealId, bool overturn, CancellationToken ct);

    Task<CaseInfo> GetCaseAsync(string caseId, CancellationToken ct);

    Task<IReadOnlyList<AuditRow>> GetAuditAsync(string? caseId, string? userId, int limit, CancellationToken ct);
}

public sealed record PostAck(long Seq);

public sealed record MessageRow(long Seq, string UserId, string Text);

/// <summary>A flag as the API takes it; enum values in their wire names.</summary>
public sealed record FlagSpec(
    string ReporterId,
    string TargetType,
    string Reason,
    string? RoomId = null,
    long? MessageSeq = null,
    string? AccusedUserId = null,
    string? ItemId = null,
    string? OwnerId = null,
    string? ContentText = null,
    string? MediaUrl = null,
    string? Comment = null);

public sealed record ClaimedCase(string CaseId, string AccusedUserId);

/// <summary>An agent's decision: outcome and, for violations, the sanction (null: the default ladder).</summary>
public sealed record DecisionSpec(bool Violation, string Reason, string? SanctionKind, int? DurationMinutes);

public sealed record DecisionAck(string? SanctionId, string? SanctionKind);

public sealed record ClaimedAppeal(string AppealId);

public sealed record CaseInfo(string CaseId, string Status, string AccusedUserId, int Reporters, string? ClaimedBy, string? DecidedBy);

public sealed record AuditRow(string EntryId, string Action, string ActorId, string? CaseId, string? UserId);
