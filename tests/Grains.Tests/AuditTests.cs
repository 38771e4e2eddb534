namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AuditTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    private IAuditReaderGrain Audit => cluster.Grains.GetGrain<IAuditReaderGrain>(0);

    [Fact]
    public async Task Claims_decisions_and_reveals_are_audited_and_listable_by_case_user_and_agent()
    {
        var (_, accused, caseId) = await _s.NewChatCaseAsync();
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, null, null));
        var admin = await _s.NewAgentAsync(AgentRoles.Admin);
        var revealed = await _s.Case(caseId).RevealReportersAsync(admin, "law enforcement request #42");
        Assert.Single(revealed);

        var byCase = await Audit.QueryAsync(new AuditQuery(caseId, null, null, 100));
        Assert.Equal([AuditActions.ReportersRevealed, AuditActions.CaseDecided, AuditActions.CaseClaimed], byCase.Take(3).Select(e => e.Action));
        Assert.Equal((agent, agent, admin), (byCase[2].ActorId, byCase[1].ActorId, byCase[0].ActorId));
        Assert.Equal(AuditActions.FlagReceived, byCase[^1].Action);
        Assert.Equal("law enforcement request #42", byCase[0].Details!["why"]);
        Assert.Contains(await Audit.QueryAsync(new AuditQuery(null, accused, null, 100)), e => e.Action == AuditActions.CaseDecided);
        var byAgent = await Audit.QueryAsync(new AuditQuery(null, null, agent, 100));
        Assert.Equal([AuditActions.CaseDecided, AuditActions.CaseClaimed, AuditActions.AgentCreated], byAgent.Select(e => e.Action));
    }

    [Fact]
    public async Task Revealing_reporters_needs_an_admin_and_a_reason()
    {
        var (_, _, caseId) = await _s.NewChatCaseAsync();
        var agent = await _s.NewAgentAsync(AgentRoles.Senior);
        Assert.Equal(ModerationError.Forbidden, (await Assert.ThrowsAsync<ModerationException>(() => _s.Case(caseId).RevealReportersAsync(agent, "curious"))).Error);
        var admin = await _s.NewAgentAsync(AgentRoles.Admin);
        Assert.Equal("why", (await Assert.ThrowsAsync<ModerationException>(() => _s.Case(caseId).RevealReportersAsync(admin, " "))).Field);
    }

    [Fact]
    public async Task Transparency_counts_flags_decisions_and_appeals_in_the_range()
    {
        var from = ModerationCluster.Now;
        ModerationCluster.Advance(TimeSpan.FromSeconds(1));
        var before = await Audit.GetTransparencyAsync(from, from.AddYears(5));
        var (_, _, caseId) = await _s.NewChatCaseAsync(FlagReason.Scam);
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, new SanctionSpec(SanctionKind.Ban, null), null));
        var after = await Audit.GetTransparencyAsync(from, from.AddYears(5));

        Assert.Equal(Count(before.FlagsByReason, "scam") + 1, Count(after.FlagsByReason, "scam"));
        Assert.Equal(Count(before.SanctionsByKind, "ban") + 1, Count(after.SanctionsByKind, "ban"));
        Assert.NotNull(after.MedianSecondsToDecision);
    }

    private static int Count(IReadOnlyDictionary<string, int> counts, string key) => counts.TryGetValue(key, out var n) ? n : 0;
}
