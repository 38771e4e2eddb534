namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>
/// One agent signed in to the dashboard in their own browser context (own cookie jar), at 1280×800, plus that agent's
/// bearer-token API client for steps that are not under test (clearing other tests' cases out of the way).
/// </summary>
public sealed class AgentSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    private AgentSession(string agentId, IBrowserContext context, IPage page, HttpClient api)
    {
        AgentId = agentId;
        _context = context;
        Page = page;
        Api = api;
    }

    public string AgentId { get; }

    public IPage Page { get; }

    public HttpClient Api { get; }

    /// <summary>The case grid of the case view (carries data-case-id and data-accused).</summary>
    public ILocator CaseView => Page.Locator(".case-grid:not(.appeal)");

    /// <summary>The appeal under review (carries data-appeal-id and data-user-id).</summary>
    public ILocator AppealView => Page.Locator(".case-grid.appeal");

    public static async Task<AgentSession> SignInAsync(DashboardFixture fixture, string agentId)
    {
        var password = Backend.PasswordOf(agentId);
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Agent id").FillAsync(agentId);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Queue", Level = 1 })).ToBeVisibleAsync();
        var api = await Http.BearerClientAsync(fixture.BaseUrl, agentId, password);
        return new AgentSession(agentId, context, page, api);
    }

    public ILocator QueueRowOf(string accusedUserId) =>
        Page.Locator("table.queue tbody tr").Filter(new() { Has = Page.Locator("td.accused", new() { HasTextString = accusedUserId }) });

    /// <summary>Presses N and waits for the case view of a case other than <paramref name="previousCaseId"/>; returns its id.</summary>
    public async Task<string> PressClaimNextAsync(string? previousCaseId = null)
    {
        await Page.Keyboard.PressAsync("n");
        if (previousCaseId is not null)
        {
            await Expect(CaseView).Not.ToHaveAttributeAsync("data-case-id", previousCaseId);
        }
        await Expect(CaseView).ToBeVisibleAsync();
        return (await CaseView.GetAttributeAsync("data-case-id"))!;
    }

    /// <summary>
    /// Claims with the keyboard until the case about <paramref name="accusedUserId"/> is on screen. Cases left by other
    /// tests are decided (no violation) through the API on the way; returns the case id.
    /// </summary>
    public async Task<string> ClaimWithKeyboardUntilAsync(string accusedUserId)
    {
        string? caseId = null;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            caseId = await PressClaimNextAsync(caseId);
            if (await CaseView.GetAttributeAsync("data-accused") == accusedUserId)
            {
                return caseId;
            }
            await Api.ClearCaseAsync(caseId);
        }
        throw new InvalidOperationException($"The case about {accusedUserId} never came up.");
    }

    /// <summary>Presses A until the appeal of <paramref name="userId"/> is on screen, upholding others' appeals in the UI.</summary>
    public async Task<string> ClaimAppealWithKeyboardUntilAsync(string userId)
    {
        string? appealId = null;
        for (var attempt = 0; attempt < 30; attempt++)
        {
            await Page.Keyboard.PressAsync("a");
            if (appealId is not null)
            {
                await Expect(AppealView).Not.ToHaveAttributeAsync("data-appeal-id", appealId);
            }
            await Expect(AppealView).ToBeVisibleAsync();
            appealId = (await AppealView.GetAttributeAsync("data-appeal-id"))!;
            if (await AppealView.GetAttributeAsync("data-user-id") == userId)
            {
                return appealId;
            }
            await DecideAppealAsync("Uphold the sanction", "Cleared by a dashboard test.");
        }
        throw new InvalidOperationException($"The appeal of {userId} never came up.");
    }

    public async Task DecideAppealAsync(string outcomeLabel, string response)
    {
        await Page.GetByLabel(outcomeLabel).CheckAsync();
        await Page.GetByLabel("Response to the user").FillAsync(response);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Submit appeal decision" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Appeal decided" })).ToBeVisibleAsync();
    }

    /// <summary>Saves a screenshot of the viewport for the docs (docs/images/dashboard-*.png).</summary>
    public Task ScreenshotForDocsAsync(string fileName) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = RepoPaths.DocsImage(fileName) });

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _context.DisposeAsync();
    }
}
