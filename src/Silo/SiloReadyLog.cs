using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace OrleansSafety.Silo;

/// <summary>Says, once Orleans has started, that this silo takes calls — the line operators and scripts wait for.</summary>
internal sealed class SiloReadyLog(IHostApplicationLifetime lifetime, ILocalSiloDetails silo, ILogger<SiloReadyLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
            logger.LogInformation("OrleansSafety silo ready: {Silo} in cluster {ClusterId}", silo.SiloAddress, silo.ClusterId));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
