using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace OrleansSafety.Gateway.Hosting;

/// <summary>
/// Says where the gateway listens once it does. In Development it also prints the development API key and the
/// bootstrap admin's login from appsettings.Development.json, so `dotnet run` is all one needs to start trying it.
/// </summary>
internal sealed class StartupBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IHostEnvironment environment,
    IOptions<GatewayOptions> options,
    ClusterHostingInfo cluster,
    ILogger<StartupBanner> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(Print);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var url = addresses.FirstOrDefault() ?? "(in-process test server)";
        logger.LogInformation(
            "OrleansSafety gateway listening on {Url} ({Mode}). API docs: {Url}/scalar  OpenAPI: {Url}/openapi/v1.json  Metrics: {Url}/metrics",
            url, cluster.Mode, url, url, url);
        if (!environment.IsDevelopment())
        {
            return;
        }
        var gateway = options.Value;
        if (gateway.ApiKeys.FirstOrDefault() is { } key)
        {
            logger.LogInformation("Development API key ({Name}): X-Api-Key: {Key}", key.Name, key.Key);
        }
        if (gateway.BootstrapAdmin is { AgentId: { } adminId, Password: { } password })
        {
            logger.LogInformation("Development admin login: {{\"agentId\":\"{AgentId}\",\"password\":\"{Password}\"}}", adminId, password);
        }
        if (cluster.Dashboard)
        {
            logger.LogInformation("Orleans dashboard (admins, after logging in): {Url}/dashboard", url);
        }
    }
}
