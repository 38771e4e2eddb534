using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace OrleansSafety.Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway with its co-hosted in-memory silo, once per test collection. Settings go in with UseSetting so that
/// Program sees them while it builds (they become host configuration, which the cluster choice reads).
/// </summary>
public class GatewayFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "test-admin-password";

    public string BackendKey { get; } = "test-key-" + Guid.NewGuid().ToString("N");

    public string OtherBackendKey { get; } = "other-key-" + Guid.NewGuid().ToString("N");

    public string BootstrapAdminId { get; } = Ids.New("boot-admin");

    /// <summary>Log entries that carried an exception, to prove bad input is logged without a stack trace.</summary>
    public ConcurrentQueue<(string Category, LogLevel Level, Exception Exception)> LoggedExceptions { get; } = new();

    private readonly ConcurrentDictionary<string, string> _tokens = new();

    protected virtual IEnumerable<KeyValuePair<string, string>> ExtraSettings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string>
        {
            // The co-hosted in-memory silo even where scripts/test.sh exports ConnectionStrings__Postgres for the
            // durability tests: these tests are about the HTTP contract.
            ["Orleans:Mode"] = "cohosted",
            ["ConnectionStrings:Postgres"] = "",
            ["Orleans:ClusterId"] = "test-" + Guid.NewGuid().ToString("N"),
            ["Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Gateway:ApiKeys:0:Name"] = "test-backend",
            ["Gateway:ApiKeys:0:Key"] = BackendKey,
            ["Gateway:ApiKeys:1:Name"] = "other-backend",
            ["Gateway:ApiKeys:1:Key"] = OtherBackendKey,
            ["Gateway:BootstrapAdmin:AgentId"] = BootstrapAdminId,
            ["Gateway:BootstrapAdmin:Password"] = AdminPassword,
            ["Gateway:RateLimits:LoginsPerMinute"] = "100000",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(new ExceptionRecorder(LoggedExceptions));
        });
    }

    /// <summary>A client with the game-backend key.</summary>
    public HttpClient Backend(string? key = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", key ?? BackendKey);
        return client;
    }

    public HttpClient Anonymous() => CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    /// <summary>Creates an agent with the given roles (through the API, with the backend key) and returns its id.</summary>
    public async Task<string> CreateAgentAsync(string prefix, params string[] roles)
    {
        var agentId = Ids.New(prefix);
        using var backend = Backend();
        var response = await backend.PostAsJsonAsync("/api/v1/agents", new { agentId, password = PasswordOf(agentId), roles });
        await response.ShouldBe(HttpStatusCode.Created);
        return agentId;
    }

    public static string PasswordOf(string agentId) => $"pw-{agentId}-long-enough";

    /// <summary>A bearer client for a new agent with these roles.</summary>
    public async Task<AgentClient> AgentAsync(string prefix, params string[] roles)
    {
        var agentId = await CreateAgentAsync(prefix, roles);
        return new AgentClient(agentId, await BearerClientAsync(agentId, PasswordOf(agentId)));
    }

    public async Task<HttpClient> BearerClientAsync(string agentId, string password)
    {
        var token = await LoginAsync(agentId, password);
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task<string> LoginAsync(string agentId, string password)
    {
        using var anonymous = Anonymous();
        var response = await anonymous.PostAsJsonAsync("/api/v1/agent/login", new { agentId, password });
        var body = await response.ShouldBe(HttpStatusCode.OK);
        return body!["accessToken"]!.GetValue<string>();
    }

    /// <summary>One shared client per role for tests that only need "some agent/senior/admin".</summary>
    public async Task<HttpClient> SharedAsync(string role)
    {
        if (!_tokens.TryGetValue(role, out var token))
        {
            var agentId = await CreateAgentAsync("shared-" + role, role);
            token = await LoginAsync(agentId, PasswordOf(agentId));
            _tokens[role] = token;
        }
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ExceptionRecorder(ConcurrentQueue<(string, LogLevel, Exception)> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, sink);

        public void Dispose()
        {
        }

        private sealed class Recorder(string category, ConcurrentQueue<(string, LogLevel, Exception)> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (exception is not null)
                {
                    sink.Enqueue((category, logLevel, exception));
                }
            }
        }
    }
}

/// <summary>An agent's id and a client authenticated as that agent with a bearer token.</summary>
public sealed record AgentClient(string AgentId, HttpClient Http) : IDisposable
{
    public void Dispose() => Http.Dispose();
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFactory>
{
    public const string Name = "gateway";
}
