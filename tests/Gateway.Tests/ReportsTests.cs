using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ReportsTests(GatewayFactory factory)
{
    [Fact]
    public async Task Plain_agents_must_filter_the_audit_admins_need_not()
    {
        using var agent = await factory.AgentAsync("agent", "agent");
        await (await agent.Http.GetAsync("/api/v1/audit")).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await agent.Http.GetAsync($"/api/v1/audit?agentId={Ids.New("someone")}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        var own = await agent.Http.GetJsonAsync($"/api/v1/audit?agentId={agent.AgentId}");
        Assert.NotNull(own["entries"]);
        var byUser = await agent.Http.GetJsonAsync($"/api/v1/audit?userId={Ids.New("user")}&limit=5");
        Assert.Empty(byUser["entries"]!.AsArray());

        using var admin = await factory.AgentAsync("admin", "admin");
        var all = await admin.Http.GetJsonAsync("/api/v1/audit?limit=10");
        var entries = all["entries"]!.AsArray();
        Assert.InRange(entries.Count, 1, 10);
        var times = entries.Select(e => e!["at"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(times.OrderDescending(), times);
    }

    [Fact]
    public async Task The_transparency_report_has_its_counts()
    {
        using var agent = await factory.AgentAsync("agent", "agent");
        var report = await agent.Http.GetJsonAsync("/api/v1/reports/transparency");
        foreach (var field in new[] { "from", "to", "flagsByReason", "decisionsByOutcome", "sanctionsByKind", "appealsFiled", "appealsDecided", "appealsOverturned" })
        {
            Assert.True(report[field] is not null, $"missing {field} in {report.ToJsonString()}");
        }
        var from = DateTimeOffset.UtcNow.AddDays(-1).ToString("O");
        var to = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O");
        var window = await agent.Http.GetJsonAsync($"/api/v1/reports/transparency?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}");
        Assert.NotNull(window["flagsByReason"]);
    }
}
