using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class CasesTests(GatewayFactory factory)
{
    [Fact]
    public async Task Another_agents_claimed_case_is_409_for_renew_release_and_decision()
    {
        using var backend = factory.Backend();
        var accused = Ids.New("accused");
        await backend.FlagProfileAsync(Ids.New("reporter"), accused);
        using var holder = await factory.AgentAsync("holder", "agent");
        using var other = await factory.AgentAsync("other", "agent");
        var caseId = (await holder.Http.ClaimCaseOfAsync(accused)).Str("caseId");

        await (await other.Http.PostAsync($"/api/v1/cases/{caseId}/renew", null)).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await other.Http.PostAsync($"/api/v1/cases/{caseId}/release", null)).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await other.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "no_violation" })).ShouldBeProblem(HttpStatusCode.Conflict);
        // Reading is fine.
        var read = await other.Http.GetJsonAsync($"/api/v1/cases/{caseId}");
        Assert.Equal(holder.AgentId, read.Str("claimedBy"));

        // Released, it goes back to the queue and another agent can take it.
        await (await holder.Http.PostAsync($"/api/v1/cases/{caseId}/release", null)).ShouldBe(HttpStatusCode.NoContent);
        Assert.Equal("open", (await other.Http.GetJsonAsync($"/api/v1/cases/{caseId}")).Str("status"));
        Assert.Equal(caseId, (await other.Http.ClaimCaseOfAsync(accused)).Str("caseId"));
        await (await holder.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "no_violation" })).ShouldBeProblem(HttpStatusCode.Conflict);
        var decided = await (await other.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "no_violation", note = "not impersonation" }))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal("no_violation", decided.Str("outcome"));
        Assert.Null(decided!["sanction"]);
        Assert.Equal("resolved", (await other.Http.GetJsonAsync($"/api/v1/cases/{caseId}")).Str("status"));
    }

    [Fact]
    public async Task A_violation_without_explicit_sanction_follows_the_ladder()
    {
        using var backend = factory.Backend();
        var accused = Ids.New("accused");
        await backend.FlagProfileAsync(Ids.New("reporter"), accused, "spam");
        using var agent = await factory.AgentAsync("agent", "agent");
        var caseId = (await agent.Http.ClaimCaseOfAsync(accused)).Str("caseId");
        var decision = await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "violation" })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("warning", decision!["sanction"].Str("kind"));
        var standing = await backend.GetJsonAsync($"/api/v1/users/{accused}/standing");
        Assert.Equal(1, standing["strikes"]!.GetValue<int>());
        Assert.True(standing["canChat"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Admins_reveal_reporters_with_a_reason_and_it_is_audited()
    {
        using var backend = factory.Backend();
        var accused = Ids.New("accused");
        var reporterId = Ids.New("reporter");
        var flagId = await backend.FlagProfileAsync(reporterId, accused);
        using var agent = await factory.AgentAsync("agent", "agent");
        var caseId = (await agent.Http.ClaimCaseOfAsync(accused)).Str("caseId");
        await (await agent.Http.PostAsync($"/api/v1/cases/{caseId}/release", null)).ShouldBe(HttpStatusCode.NoContent);

        await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/reporters/reveal", new { why = "law enforcement request" }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        using var admin = await factory.AgentAsync("admin", "admin");
        var revealed = await (await admin.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/reporters/reveal", new { why = "law enforcement request #42" }))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal(caseId, revealed.Str("caseId"));
        var entry = Assert.Single(revealed!["reporters"]!.AsArray());
        Assert.Equal(reporterId, entry.Str("reporterId"));
        Assert.Equal(flagId, entry.Str("flagId"));
        Assert.False(string.IsNullOrEmpty(entry.Str("alias")));

        var audit = await admin.Http.GetJsonAsync($"/api/v1/audit?caseId={caseId}");
        Assert.Contains(audit["entries"]!.AsArray(), e => e.Str("action") == "reporters_revealed" && e.Str("actorId") == admin.AgentId);
    }

    [Fact]
    public async Task Unknown_cases_are_404_and_deciding_an_unclaimed_case_is_409()
    {
        using var agent = await factory.AgentAsync("agent", "agent");
        await (await agent.Http.GetAsync("/api/v1/cases/case_doesnotexist")).ShouldBeProblem(HttpStatusCode.NotFound);

        using var backend = factory.Backend();
        var accused = Ids.New("accused");
        await backend.FlagProfileAsync(Ids.New("reporter"), accused);
        var caseId = (await agent.Http.ClaimCaseOfAsync(accused)).Str("caseId");
        await (await agent.Http.PostAsync($"/api/v1/cases/{caseId}/release", null)).ShouldBe(HttpStatusCode.NoContent);
        await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "no_violation" })).ShouldBeProblem(HttpStatusCode.Conflict);
        await (await agent.Http.PostAsync($"/api/v1/cases/{caseId}/renew", null)).ShouldBeProblem(HttpStatusCode.Conflict);
    }
}
