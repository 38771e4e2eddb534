using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>
/// The gateway with its co-hosted in-memory silo on a real loopback port (the load tool is an HTTP client like any
/// other), configured as docs/BENCHMARKS.md configures it for load: benchmark endpoints on, per-key and login
/// limits out of the way. The per-reporter flag limit stays at its default; the tool keeps under it.
/// </summary>
public sealed class LoadGateway : WebApplicationFactory<Program>
{
    public const string ApiKey = "load-test-key-0123456789";

    public Uri Address { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        var settings = new Dictionary<string, string>
        {
            // In memory even where scripts/test.sh exports ConnectionStrings__Postgres for the durability tests: this
            // run checks the load tool and its verifier, not the store.
            ["Orleans:Mode"] = "cohosted",
            ["ConnectionStrings:Postgres"] = "",
            ["Orleans:ClusterId"] = "loadtest-" + Guid.NewGuid().ToString("N"),
            ["Orleans:SiloPort"] = FreePort(),
            ["Orleans:GatewayPort"] = FreePort(),
            ["Orleans:Dashboard"] = "false",
            ["Gateway:ApiKeys:0:Name"] = "load-test",
            ["Gateway:ApiKeys:0:Key"] = ApiKey,
            ["Gateway:BenchmarkEndpoints"] = "true",
            ["Gateway:RateLimits:PerKeyBurst"] = "1000000",
            ["Gateway:RateLimits:PerKeyPerSecond"] = "1000000",
            ["Gateway:RateLimits:LoginsPerMinute"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    /// <summary>Starts Kestrel on a free port and answers its address.</summary>
    public Uri Start()
    {
        UseKestrel(0);
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        Address = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        return Address;
    }

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
