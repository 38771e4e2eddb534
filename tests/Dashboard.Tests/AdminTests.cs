using OrleansSafety.Dashboard.Tests.Infrastructure;

namespace OrleansSafety.Dashboard.Tests;

/// <summary>Admins manage agents from a table, and revealing who reported needs a reason and leaves a trace.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AdminTests(DashboardFixture fixture)
{
    [Fact]
    public async Task An_admin_reveals_reporters_only_with_a_reason_and_the_reveal_is_audited()
    {
        var owner = Ids.New("frank");
        var reporter = Ids.New("erin");
        await fixture.Backend.FlagContentAsync(reporter, "user_profile", owner, "impersonation", text: "Official Game Staff - send me your password");
        await using var admin = await AgentSession.SignInAsync(fixture, await fixture.Backend.CreateAgentAsync("admin", "admin"));
        var caseId = (await admin.Api.GetJsonAsync($"/api/v1/users/{owner}/history"))["cases"]![0].Str("caseId");

        var page = admin.Page;
        await page.GotoAsync($"/#/case/{caseId}");
        await Expect(admin.CaseView).ToHaveAttributeAsync("data-case-id", caseId);
        await Expect(page.Locator("body")).Not.ToContainTextAsync(reporter);

        await page.GetByText("Reveal reporters (admin)").ClickAsync();
        var reveal = page.GetByRole(AriaRole.Button, new() { Name = "Reveal reporters" });
        await reveal.ClickAsync();
        await Expect(page.Locator(".revealed")).ToHaveCountAsync(0); // no reason, no reveal
        await page.GetByLabel("Reason (required, recorded in the audit log)").FillAsync("Suspected brigading: checking for one reporter behind many accounts.");
        await reveal.ClickAsync();
        await Expect(page.Locator(".revealed")).ToContainTextAsync(reporter);

        var audit = await admin.Api.GetJsonAsync($"/api/v1/audit?caseId={caseId}");
        Assert.Contains(audit["entries"]!.AsArray(), e => e.Str("action") == "reporters_revealed" && e.Str("actorId") == admin.AgentId);
    }

    [Fact]
    public async Task The_admin_table_lists_a_newly_created_agent_and_disables_it_from_its_row()
    {
        await using var admin = await AgentSession.SignInAsync(fixture, await fixture.Backend.CreateAgentAsync("admin", "admin"));
        var page = admin.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Admin", Level = 1 })).ToBeVisibleAsync();

        var newAgent = Ids.New("grace");
        await page.GetByLabel("Agent id", new() { Exact = true }).FillAsync(newAgent);
        await page.GetByLabel("Initial password").FillAsync(Backend.PasswordOf(newAgent));
        await page.GetByLabel("senior", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();

        var row = page.Locator("table.agent-table tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = newAgent, Exact = true }) });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync("agent, senior");
        await Expect(row).ToContainTextAsync("active");
        await Expect(row).ToContainTextAsync("nothing");
        await page.GetByLabel("Filter by agent id").FillAsync(newAgent);
        await Expect(page.Locator("table.agent-table tbody tr")).ToHaveCountAsync(1);

        // The row's own form opens below it with the current roles filled in; focus goes into it, then back to the row.
        var change = row.GetByRole(AriaRole.Button, new() { Name = $"Change {newAgent}" });
        await change.ClickAsync();
        await Expect(change).ToHaveAttributeAsync("aria-expanded", "true");
        var roles = page.GetByRole(AriaRole.Group, new() { Name = $"Roles of {newAgent}" });
        await Expect(roles.GetByLabel("senior", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(roles.GetByLabel("admin", new() { Exact = true })).Not.ToBeCheckedAsync();
        await Expect(roles.GetByLabel("agent", new() { Exact = true })).ToBeFocusedAsync();
        await admin.ScreenshotForDocsAsync("dashboard-admin.png");
        await page.GetByLabel("Disabled (cannot sign in)").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(row).ToContainTextAsync("disabled");
        await Expect(change).ToBeFocusedAsync();
        await Expect(change).ToHaveAttributeAsync("aria-expanded", "false");

        var agents = await admin.Api.GetJsonAsync("/api/v1/agents");
        Assert.Contains(agents["agents"]!.AsArray(), a => a.Str("agentId") == newAgent && a!["disabled"]!.GetValue<bool>());
        var login = await fixture.Backend.PostAsJsonAsync("/api/v1/agent/login", new { agentId = newAgent, password = Backend.PasswordOf(newAgent) });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }
}
