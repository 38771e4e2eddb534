namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>One gateway and one browser for the whole collection; each test opens its own browser contexts.</summary>
public sealed class DashboardFixture : IAsyncLifetime, IDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private HttpClient? _backend;

    public DashboardFactory Factory { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The game backend: an HTTP client with the API key, for setting up rooms, chat, flags and appeals.</summary>
    public HttpClient Backend => _backend ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        Chromium.EnsureInstalled();
        // The dashboard tests wait on UI changes that poll every 2 s; 10 s leaves room on a busy 2-core machine.
        SetDefaultExpectTimeout(10_000);
        BaseUrl = Factory.StartOnKestrel();
        _backend = new HttpClient { BaseAddress = BaseUrl };
        _backend.DefaultRequestHeaders.Add("X-Api-Key", Factory.BackendKey);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Args,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Factory.DisposeAsync();
    }

    /// <summary>xunit calls this after <see cref="DisposeAsync"/>; only the synchronous leftovers are here.</summary>
    public void Dispose() => _backend?.Dispose();
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}
