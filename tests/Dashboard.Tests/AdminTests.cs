using OrleansSafety.Dashboard.Tests.Infrastructure;

namespace OrleansSafety.Dashboard.Tests;

/// <summary>Revealing who reported is an admin action that needs a reason and leaves a trace.</summary>
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
}
