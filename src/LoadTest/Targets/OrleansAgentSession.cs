namespace OrleansSafety.LoadTest.Targets;

/// <summary>An agent in the Orleans-client mode: the agent grain itself, no token.</summary>
internal sealed class OrleansAgentSession(OrleansTarget target, string agentId) : IAgentSession
{
    private IAgentGrain Agent => target.Grains.Get<IAgentGrain>(AgentId);

    public string AgentId { get; } = agentId;

    public async Task<ClaimedCase?> ClaimNextCaseAsync(CancellationToken ct)
    {
        var claimed = await OrleansTarget.Call(() => Agent.ClaimNextCaseAsync());
        return claimed is null ? null : new ClaimedCase(claimed.CaseId, claimed.AccusedUserId);
    }

    public async Task<DecisionAck> DecideAsync(string caseId, DecisionSpec d, CancellationToken ct)
    {
        var sanction = d.SanctionKind is null ? null : new SanctionSpec(OrleansTarget.Parse<SanctionKind>(d.SanctionKind), d.DurationMinutes);
        var request = new DecisionRequest(d.Violation ? CaseOutcome.Violation : CaseOutcome.NoViolation, OrleansTarget.Parse<FlagReason>(d.Reason), sanction, "load test");
        var decision = await OrleansTarget.Call(() => Agent.DecideCaseAsync(caseId, request));
        return new DecisionAck(decision.Sanction?.SanctionId, decision.Sanction is { } s ? WireNames.ToWire(s.Kind) : null);
    }

    public async Task<ClaimedAppeal?> ClaimNextAppealAsync(CancellationToken ct)
    {
        var claimed = await OrleansTarget.Call(() => Agent.ClaimNextAppealAsync());
        return claimed is null ? null : new ClaimedAppeal(claimed.AppealId);
    }

    public Task DecideAppealAsync(string appealId, bool overturn, CancellationToken ct) =>
        OrleansTarget.Call(() => Agent.DecideAppealAsync(appealId, new AppealDecisionRequest(overturn ? AppealOutcome.Overturned : AppealOutcome.Upheld, "Reviewed by the load test.")));

    public async Task<CaseInfo> GetCaseAsync(string caseId, CancellationToken ct)
    {
        var c = await OrleansTarget.Call(() => target.Grains.Get<ICaseGrain>(caseId).GetDetailAsync());
        return new CaseInfo(c.CaseId, WireNames.ToWire(c.Status), c.AccusedUserId, c.Reporters.Count, c.ClaimedBy, c.Decision?.DecidedBy);
    }

    public async Task<IReadOnlyList<AuditRow>> GetAuditAsync(string? caseId, string? userId, int limit, CancellationToken ct)
    {
        var entries = await OrleansTarget.Call(() => target.Grains.Get<IAuditReaderGrain>(0).QueryAsync(new AuditQuery(caseId, userId, null, limit)));
        return entries.Select(e => new AuditRow(e.EntryId, e.Action, e.ActorId, e.CaseId, e.UserId)).ToList();
    }
}
