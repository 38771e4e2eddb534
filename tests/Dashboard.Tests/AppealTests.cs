using OrleansSafety.Dashboard.Tests.Infrastructure;

namespace OrleansSafety.Dashboard.Tests;

/// <summary>Appeals are a senior's job: they see the appeal next to the original case and can lift the sanction.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AppealTests(DashboardFixture fixture)
{
    private const string AppealText = "I was quoting a line from the game's own trailer, not insulting anyone.";

    [Fact]
    public async Task A_senior_overturns_an_appeal_in_the_dashboard_and_the_sanction_is_lifted()
    {
        var backend = fixture.Backend;
        var room = Ids.New("arcade");
        var accused = Ids.New("mira");
        var reporter = Ids.New("ivan");
        await backend.ConfigureRoomAsync(room, Ids.New("oscar"), "Arcade");
        await backend.PostMessageAsync(room, reporter, "who wants a rematch?");
        var seq = await backend.PostMessageAsync(room, accused, "prepare to be destroyed, rookie");
        await backend.PostMessageAsync(room, reporter, "rude");
        await backend.FlagChatAsync(reporter, room, seq, "harassment", "threatening me");

        // Another agent mutes the user for an hour; the user appeals (both through the API).
        var deciderId = await backend.CreateAgentAsync("decider", "agent");
        using var decider = await Http.BearerClientAsync(fixture.BaseUrl, deciderId, Backend.PasswordOf(deciderId));
        var claimed = await decider.ClaimCaseOfAsync(accused);
        var decision = await decider.PostJsonAsync($"/api/v1/cases/{claimed.Str("caseId")}/decision",
            new { outcome = "violation", reason = "harassment", sanction = new { kind = "mute", durationMinutes = 60 }, note = "threat" });
        var sanctionId = decision["sanction"].Str("sanctionId");
        Assert.False((await backend.StandingAsync(accused))["canChat"]!.GetValue<bool>());
        var filed = await backend.PostJsonAsync($"/api/v1/users/{accused}/appeals", new { sanctionId, text = AppealText }, HttpStatusCode.Created);

        await using var senior = await AgentSession.SignInAsync(fixture, await backend.CreateAgentAsync("senior", "senior"));
        await senior.Page.GetByRole(AriaRole.Link, new() { Name = "Appeals", Exact = true }).ClickAsync();
        await Expect(senior.Page.GetByRole(AriaRole.Heading, new() { Name = "Appeals", Level = 1 })).ToBeVisibleAsync();
        var appealId = await senior.ClaimAppealWithKeyboardUntilAsync(accused);

        Assert.Equal(filed.Str("appealId"), appealId);
        await Expect(senior.Page.Locator(".appeal-text")).ToHaveTextAsync(AppealText);
        await Expect(senior.Page.Locator(".chat .msg.flagged")).ToContainTextAsync("prepare to be destroyed");
        await Expect(senior.AppealView).ToContainTextAsync(deciderId);
        await Expect(senior.AppealView).ToContainTextAsync("threatening me");
        await Expect(senior.Page.Locator("body")).Not.ToContainTextAsync(reporter);
        await senior.ScreenshotForDocsAsync("dashboard-appeal.png");

        await senior.DecideAppealAsync("Overturn", "You are right: that line is from the trailer. The mute is lifted.");

        var standing = await backend.StandingAsync(accused);
        Assert.True(standing["canChat"]!.GetValue<bool>());
        Assert.Empty(standing["activeSanctions"]!.AsArray());
        var appeal = await backend.GetJsonAsync($"/api/v1/users/{accused}/appeals/{appealId}");
        Assert.Equal("overturned", appeal.Str("status"));
    }

    [Fact]
    public async Task A_senior_gets_the_held_appeal_back_after_a_reload_and_can_release_it_to_the_queue()
    {
        var backend = fixture.Backend;
        var (accused, appealId) = await FileAppealAgainstAMuteAsync();
        await using var senior = await AgentSession.SignInAsync(fixture, await backend.CreateAgentAsync("senior", "senior"));
        var page = senior.Page;
        await page.GetByRole(AriaRole.Link, new() { Name = "Appeals", Exact = true }).ClickAsync();
        Assert.Equal(appealId, await senior.ClaimAppealWithKeyboardUntilAsync(accused));

        // A reload forgets everything the page knew; the gateway still knows who holds the appeal.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Appeals", Level = 1 })).ToBeVisibleAsync();
        await Expect(senior.AppealView).ToHaveAttributeAsync("data-appeal-id", appealId);
        await Expect(page.Locator(".appeal-text")).ToHaveTextAsync(AppealText);
        await Expect(page.Locator(".lease-clock")).ToContainTextAsync("left");
        // Still held, so A does not claim a second appeal on top of it.
        await page.Keyboard.PressAsync("a");
        await Expect(page.Locator("#status")).ToHaveTextAsync("Decide or release the appeal you hold first.");
        await Expect(senior.AppealView).ToHaveAttributeAsync("data-appeal-id", appealId);
        Assert.Single((await senior.Api.GetJsonAsync("/api/v1/agent/me"))["claimedAppeals"]!.AsArray());

        await page.GetByRole(AriaRole.Button, new() { Name = "Release to queue" }).ClickAsync();
        await Expect(senior.AppealView).ToHaveCountAsync(0);
        await Expect(page.Locator("main")).ToContainTextAsync("back in the queue");
        await Expect(page.Locator("#claim-appeal")).ToBeFocusedAsync();
        Assert.Empty((await senior.Api.GetJsonAsync("/api/v1/agent/me"))["claimedAppeals"]!.AsArray());
        Assert.Equal("pending", (await backend.GetJsonAsync($"/api/v1/users/{accused}/appeals/{appealId}")).Str("status"));

        // Back in the queue: claiming again brings the same appeal up, and this time it is decided.
        Assert.Equal(appealId, await senior.ClaimAppealWithKeyboardUntilAsync(accused));
        await senior.DecideAppealAsync("Uphold the sanction", "The mute stands.");
    }

    [Fact]
    public async Task An_agent_without_the_senior_role_is_offered_no_appeals_view()
    {
        await using var agent = await AgentSession.SignInAsync(fixture, await fixture.Backend.CreateAgentAsync("agent", "agent"));
        var page = agent.Page;
        var appealsHeading = page.GetByRole(AriaRole.Heading, new() { Name = "Appeals", Level = 1 });

        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Queue", Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Appeals", Exact = true })).ToHaveCountAsync(0);

        // Typing the address or pressing the appeals shortcut does not open it either.
        await page.GotoAsync("/#/appeals");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        await Expect(appealsHeading).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("a");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        await Expect(appealsHeading).ToHaveCountAsync(0);
        await Expect(page.Locator("#claim-appeal")).ToHaveCountAsync(0);
    }

    /// <summary>A user is muted for spam by another agent (through the API) and appeals; returns the user and the appeal.</summary>
    private async Task<(string Accused, string AppealId)> FileAppealAgainstAMuteAsync()
    {
        var backend = fixture.Backend;
        var accused = Ids.New("nina");
        await backend.FlagContentAsync(Ids.New("omar"), "feed_comment", accused, "spam", text: "free skins at a totally real site");
        var deciderId = await backend.CreateAgentAsync("decider", "agent");
        using var decider = await Http.BearerClientAsync(fixture.BaseUrl, deciderId, Backend.PasswordOf(deciderId));
        var claimed = await decider.ClaimCaseOfAsync(accused);
        var decision = await decider.PostJsonAsync($"/api/v1/cases/{claimed.Str("caseId")}/decision",
            new { outcome = "violation", reason = "spam", sanction = new { kind = "mute", durationMinutes = 60 } });
        var filed = await backend.PostJsonAsync($"/api/v1/users/{accused}/appeals",
            new { sanctionId = decision["sanction"].Str("sanctionId"), text = AppealText }, HttpStatusCode.Created);
        return (accused, filed.Str("appealId"));
    }
}
