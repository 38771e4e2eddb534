using System.Globalization;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real gateway, with its co-hosted in-memory silo, on a real Kestrel port: a browser cannot reach the in-memory
/// TestServer. Settings go in with UseSetting so that Program sees them while it builds.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    public string BackendKey { get; } = "dashboard-key-" + Guid.NewGuid().ToString("N");

    /// <summary>Starts Kestrel on a free port and returns its address (call once, before anything else uses the factory).</summary>
    public Uri StartOnKestrel()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string>
        {
            // Always the co-hosted silo with in-memory storage, even where CI exports ConnectionStrings__Postgres
            // for the durability tests: the dashboard's tests are about the browser, not the database.
            ["Orleans:Mode"] = "cohosted",
            ["ConnectionStrings:Postgres"] = "",
            ["Orleans:ClusterId"] = "dashboard-test-" + Guid.NewGuid().ToString("N"),
            ["Orleans:SiloPort"] = FreePort(),
            ["Orleans:GatewayPort"] = FreePort(),
            ["Orleans:Dashboard"] = "false",
            ["Gateway:ApiKeys:0:Name"] = "dashboard-tests",
            ["Gateway:ApiKeys:0:Key"] = BackendKey,
            ["Gateway:RateLimits:LoginsPerMinute"] = "100000",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.ClearProviders().SetMinimumLevel(LogLevel.Warning).AddConsole());
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
