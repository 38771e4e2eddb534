using System.Collections.Concurrent;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>A chat message the gateway acknowledged (201): it must be stored exactly once, at this seq, with this text.</summary>
public sealed record AckedMessage(string RoomId, long Seq, string UserId, string Text, string IdempotencyKey);

/// <summary>A flag the gateway acknowledged (202). Its comment is its idempotency key, so the case it joined shows it.</summary>
public sealed record AckedFlag(string FlagId, string ReporterId, string IdempotencyKey, string AccusedUserId);

/// <summary>A decision an agent was told succeeded (200), or found to be theirs after an unclear answer.</summary>
public sealed record AckedDecision(string CaseId, string AgentId, string Outcome, string? SanctionId, string AccusedUserId, bool Recovered);

/// <summary>An appeal the gateway acknowledged (201).</summary>
public sealed record AckedAppeal(string UserId, string AppealId, string SanctionId, bool Recovered);

/// <summary>A case an agent claimed and then walked away from: its short lease must lapse by itself.</summary>
public sealed record AbandonedClaim(string CaseId, string AgentId, TimeSpan ClaimedAt, DateTimeOffset LeaseUntil);

/// <summary>One try of a request.</summary>
public sealed record Attempt(TimeSpan Start, TimeSpan End, string Outcome, bool Ok);

/// <summary>One logical request (all its tries) with its timings, for the outage figures.</summary>
public sealed record RequestRecord(string Operation, string? RoomId, TimeSpan Start, TimeSpan End, IReadOnlyList<Attempt> Attempts, string FinalOutcome)
{
    public bool Succeeded => Attempts[^1].Ok;

    public int FailedAttempts => Attempts.Count(a => !a.Ok);
}

/// <summary>Everything the load was told, shared by all tests of a run: the verifier checks all of it after every fault.</summary>
public sealed class Ledger
{
    public ConcurrentQueue<AckedMessage> Messages { get; } = new();

    public ConcurrentQueue<AckedFlag> Flags { get; } = new();

    public ConcurrentQueue<AckedDecision> Decisions { get; } = new();

    public ConcurrentQueue<AckedAppeal> Appeals { get; } = new();

    public ConcurrentQueue<AbandonedClaim> AbandonedClaims { get; } = new();

    public ConcurrentQueue<RequestRecord> Requests { get; } = new();

    /// <summary>Definite answers the load did not expect (a 4xx on a valid request): each is a test failure.</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>Decisions that came back 409 after an unclear first try and turned out not to be ours (lease lapsed meanwhile).</summary>
    public ConcurrentQueue<string> LostClaims { get; } = new();

    public string Counts() =>
        $"{Messages.Count} messages, {Flags.Count} flags, {Decisions.Count} decisions, {Appeals.Count} appeals acknowledged";
}
