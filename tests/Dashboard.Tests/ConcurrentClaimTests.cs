using OrleansSafety.Dashboard.Tests.Infrastructure;

namespace OrleansSafety.Dashboard.Tests;

/// <summary>Two agents pressing N at the same moment must never be handed the same case.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ConcurrentClaimTests(DashboardFixture fixture)
{
    private const int Rounds = 3;

    [Fact]
    public async Task Two_agents_claiming_at_once_never_get_the_same_case()
    {
        var backend = fixture.Backend;
        for (var i = 0; i < 2 * Rounds; i++)
        {
            await backend.FlagContentAsync(Ids.New("reporter"), "feed_comment", Ids.New("spammer"), "spam", text: $"buy cheap coins #{i}");
        }
        var sessions = await Task.WhenAll(
            AgentSession.SignInAsync(fixture, await backend.CreateAgentAsync("agent-one", "agent")),
            AgentSession.SignInAsync(fixture, await backend.CreateAgentAsync("agent-two", "agent")));
        await using var one = sessions[0];
        await using var two = sessions[1];

        var claims = new List<(AgentSession Agent, string CaseId)>();
        string? lastOne = null;
        string? lastTwo = null;
        for (var round = 0; round < Rounds; round++)
        {
            var claimed = await Task.WhenAll(one.PressClaimNextAsync(lastOne), two.PressClaimNextAsync(lastTwo));
            (lastOne, lastTwo) = (claimed[0], claimed[1]);
            claims.Add((one, lastOne));
            claims.Add((two, lastTwo));
        }

        Assert.Equal(claims.Count, claims.Select(c => c.CaseId).Distinct().Count());
        foreach (var (agent, caseId) in claims)
        {
            var detail = await agent.Api.GetJsonAsync($"/api/v1/cases/{caseId}");
            Assert.Equal(agent.AgentId, detail.Str("claimedBy"));
        }
        foreach (var (agent, caseId) in claims)
        {
            await agent.Api.ClearCaseAsync(caseId);
        }
    }
}
