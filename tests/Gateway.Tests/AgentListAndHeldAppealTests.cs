using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>What the dashboard needs beyond SPEC §3: the agent list for admins, and an appeal the senior holds.</summary>
[Collection(GatewayCollection.Name)]
public sealed class AgentListAndHeldAppealTests(GatewayFactory factory)
{
    [Fact]
    public async Task Admins_list_every_agent_with_roles_and_others_may_not()
    {
        var senior = await factory.CreateAgentAsync("listed", "senior");
        using var admin = await factory.AgentAsync("admin", "admin");
        var list = await admin.Http.GetJsonAsync("/api/v1/agents");
        var entry = list["agents"]!.AsArray().Single(a => a.Str("agentId") == senior);
        Assert.Equal(["agent", "senior"], entry!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Order());

        using var plain = await factory.AgentAsync("plain", "senior");
        await (await plain.Http.GetAsync("/api/v1/agents")).ShouldBeProblem(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_senior_reopens_the_appeal_they_hold_and_can_give_it_back()
    {
        using var backend = factory.Backend();
        var accused = Ids.New("accused");
        await backend.FlagProfileAsync(Ids.New("reporter"), accused);
        using var agent = await factory.AgentAsync("agent", "agent");
        var caseId = (await agent.Http.ClaimCaseOfAsync(accused)).Str("caseId");
        var decision = await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision",
            new { outcome = "violation", sanction = new { kind = "suspension", durationMinutes = 600 } })).ShouldBe(HttpStatusCode.OK);
        var appeal = await (await backend.PostAsJsonAsync($"/api/v1/users/{accused}/appeals",
            new { sanctionId = decision!["sanction"].Str("sanctionId"), text = "not me" })).ShouldBe(HttpStatusCode.Created);
        var appealId = appeal!.Str("appealId");

        using var senior = await factory.AgentAsync("senior", "senior");
        await senior.Http.ClaimAppealOfAsync(accused);
        var held = await senior.Http.GetJsonAsync($"/api/v1/appeals/{appealId}");
        Assert.Equal(("not me", caseId), (held.Str("text"), held["originalCase"].Str("caseId")));

        using var other = await factory.AgentAsync("senior", "senior");
        await (await other.Http.GetAsync($"/api/v1/appeals/{appealId}")).ShouldBeProblem(HttpStatusCode.Conflict);

        await (await senior.Http.PostAsync($"/api/v1/appeals/{appealId}/release", null)).ShouldBe(HttpStatusCode.NoContent);
        await (await senior.Http.GetAsync($"/api/v1/appeals/{appealId}")).ShouldBeProblem(HttpStatusCode.Conflict);
        Assert.Equal(appealId, (await other.Http.ClaimAppealOfAsync(accused)).Str("appealId"));
    }
}
