using System.Globalization;
using System.Text.RegularExpressions;
using OrleansSafety.Dashboard.Tests.Infrastructure;

namespace OrleansSafety.Dashboard.Tests;

/// <summary>An agent's main loop: the queue updates by itself, N claims, the evidence is marked, the decision sticks.</summary>
[Collection(DashboardCollection.Name)]
public sealed partial class CaseWorkflowTests(DashboardFixture fixture)
{
    private const string Abuse = "nobody wants you here, log off and never come back";

    /// <summary>Chat is attacker-controlled; if the dashboard ever parsed it as markup, this would run.</summary>
    private const string MarkupProbe = "gg <img src=x onerror=\"window.__pwned = 1\"> <b>lol</b>";

    [Fact]
    public async Task A_new_flag_shows_up_live_is_claimed_by_keyboard_and_decided_with_the_suggested_sanction()
    {
        var backend = fixture.Backend;
        var room = Ids.New("lobby");
        var accused = Ids.New("troll");
        var reporter = Ids.New("alice");
        var friend = Ids.New("carol");
        await backend.ConfigureRoomAsync(room, Ids.New("olga"), "Lobby");
        await backend.PostMessageAsync(room, reporter, "anyone up for a race on the new track?");
        var earlier = await backend.PostMessageAsync(room, accused, "you're trash at this game, uninstall");
        await backend.PostMessageAsync(room, friend, MarkupProbe);
        await backend.PostMessageAsync(room, reporter, "ready when you are");
        var flagged = await backend.PostMessageAsync(room, accused, Abuse);
        await backend.PostMessageAsync(room, friend, "hey, not cool");
        // One earlier strike, so the ladder suggests a 24-hour mute for this case rather than a warning.
        await GiveEarlierStrikeAsync(room, earlier, accused);

        await using var agent = await AgentSession.SignInAsync(fixture, await backend.CreateAgentAsync("agent", "agent"));
        await agent.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        // The game backend files flags while the agent watches the queue.
        await backend.FlagContentAsync(Ids.New("dave"), "user_profile", Ids.New("frank"), "spam", text: "cheap coins, dm me");
        await backend.FlagChatAsync(reporter, room, flagged, "harassment", "keeps telling me to leave");

        var row = agent.QueueRowOf(accused);
        await Expect(row).ToBeVisibleAsync();
        await Expect(row).ToContainTextAsync("harassment");
        Assert.True(await agent.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The queue page reloaded to show the new case.");
        await agent.ScreenshotForDocsAsync("dashboard-queue.png");

        await agent.ClaimWithKeyboardUntilAsync(accused);
        var page = agent.Page;
        var highlighted = page.Locator(".chat .msg.flagged");
        await Expect(highlighted).ToHaveCountAsync(1);
        await Expect(highlighted).ToHaveAttributeAsync("data-seq", flagged.ToString(CultureInfo.InvariantCulture));
        await Expect(highlighted).ToContainTextAsync(Abuse);
        await Expect(highlighted).ToContainTextAsync("flagged message");
        await Expect(page.Locator(".sha")).ToHaveTextAsync(Sha256Hex());
        // Markup in chat is shown as text and never runs.
        await Expect(page.Locator(".chat .msg-text").Filter(new() { HasTextString = MarkupProbe })).ToBeVisibleAsync();
        await Expect(page.Locator(".chat img")).ToHaveCountAsync(0);
        Assert.False(await page.EvaluateAsync<bool>("() => window.__pwned === 1"));
        // The reporter is an alias with their comment; their id is nowhere on the page, not even on their own chat lines.
        await Expect(page.Locator(".reporter")).ToContainTextAsync("keeps telling me to leave");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(reporter);

        // The ladder's suggestion for a second strike is pre-filled: mute for one day.
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Sanction", Exact = true })).ToHaveValueAsync("mute");
        await Expect(page.GetByRole(AriaRole.Spinbutton, new() { Name = "Duration" })).ToHaveValueAsync("1");
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Duration unit" })).ToHaveValueAsync("days");
        await agent.ScreenshotForDocsAsync("dashboard-case.png");

        await page.GetByLabel("Violation", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit decision" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Decision recorded" })).ToBeVisibleAsync();
        // The next case is one keystroke away: focus is already on "Claim next case".
        await Expect(page.Locator("#claim-next")).ToBeFocusedAsync();

        var standing = await backend.StandingAsync(accused);
        Assert.False(standing["canChat"]!.GetValue<bool>());
        Assert.Equal(2, standing["strikes"]!.GetValue<int>());
        var mute = Assert.Single(standing["activeSanctions"]!.AsArray(), s => s.Str("kind") == "mute");
        Assert.Equal("harassment", mute.Str("reason"));
        var length = DateTimeOffset.Parse(mute.Str("endsAt"), CultureInfo.InvariantCulture) - DateTimeOffset.Parse(mute.Str("startsAt"), CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromHours(24), length);
    }

    [Fact]
    public async Task Flagged_media_stays_blurred_until_the_agent_clicks_it()
    {
        var owner = Ids.New("hank");
        var url = $"https://cdn.example.invalid/avatars/{owner}.png";
        await fixture.Backend.FlagContentAsync(Ids.New("gina"), "avatar_photo", owner, "sexual_content", mediaUrl: url);
        await using var agent = await AgentSession.SignInAsync(fixture, await fixture.Backend.CreateAgentAsync("agent", "agent"));
        var caseId = await agent.ClaimWithKeyboardUntilAsync(owner);

        var image = agent.Page.Locator(".media img");
        var toggle = agent.Page.Locator(".media-toggle");
        await Expect(image).ToHaveClassAsync(Blurred());
        Assert.Contains("blur(", await image.EvaluateAsync<string>("img => getComputedStyle(img).filter"), StringComparison.Ordinal);
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");
        // The machine is offline, so the image itself never loads: the agent still sees where it is.
        await Expect(agent.Page.Locator(".media figcaption")).ToContainTextAsync(url);

        await toggle.ClickAsync();
        await Expect(image).Not.ToHaveClassAsync(Blurred());
        Assert.Equal("none", await image.EvaluateAsync<string>("img => getComputedStyle(img).filter"));
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");

        await toggle.ClickAsync();
        await Expect(image).ToHaveClassAsync(Blurred());
        await agent.Api.ClearCaseAsync(caseId);
    }

    [Fact]
    public async Task After_a_reload_the_queue_offers_the_agents_held_cases_under_your_cases()
    {
        var owner = Ids.New("ivy");
        await fixture.Backend.FlagContentAsync(Ids.New("jon"), "user_profile", owner, "scam", text: "selling accounts, pay first");
        await using var agent = await AgentSession.SignInAsync(fixture, await fixture.Backend.CreateAgentAsync("agent", "agent"));
        var page = agent.Page;
        var caseId = await agent.ClaimWithKeyboardUntilAsync(owner);

        await page.Keyboard.PressAsync("q");
        await page.ReloadAsync();
        var yours = page.GetByRole(AriaRole.Region, new() { Name = "Your cases" });
        await Expect(yours).ToBeVisibleAsync();
        var held = yours.Locator("li");
        await Expect(held).ToHaveCountAsync(1);
        await Expect(held).ToContainTextAsync(owner);
        await Expect(held).ToContainTextAsync("scam");

        await yours.GetByRole(AriaRole.Link, new() { Name = $"case {caseId}" }).ClickAsync();
        await Expect(agent.CaseView).ToHaveAttributeAsync("data-case-id", caseId);
        // Still the holder: the claim and the decision form are back.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your claim" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Submit decision" })).ToBeVisibleAsync();
        await agent.Api.ClearCaseAsync(caseId);
    }

    /// <summary>Flags <paramref name="seq"/> and has another agent decide it a violation (ladder: a warning, one strike).</summary>
    private async Task GiveEarlierStrikeAsync(string room, long seq, string accused)
    {
        await fixture.Backend.FlagChatAsync(Ids.New("bob"), room, seq, "harassment");
        var deciderId = await fixture.Backend.CreateAgentAsync("decider", "agent");
        using var decider = await Http.BearerClientAsync(fixture.BaseUrl, deciderId, Backend.PasswordOf(deciderId));
        var detail = await decider.ClaimCaseOfAsync(accused);
        await decider.PostJsonAsync($"/api/v1/cases/{detail.Str("caseId")}/decision", new { outcome = "violation", reason = "harassment" });
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"\bblurred\b")]
    private static partial Regex Blurred();
}
