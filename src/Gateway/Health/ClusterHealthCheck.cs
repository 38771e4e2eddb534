using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.Health;

/// <summary>
/// Ready only when the cluster answers a grain call within a short time. Asks Orleans' own management grain for
/// the active silos, which exists whatever the domain grains are doing and costs no domain state.
/// </summary>
internal sealed class ClusterHealthCheck(IGrainFactory grains, IOptions<GatewayOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var management = grains.Get<IManagementGrain>(0);
            var hosts = await management.GetHosts(onlyActive: true, cancellationToken).WaitAsync(options.Value.ReadinessTimeout, cancellationToken);
            return hosts.Count > 0
                ? HealthCheckResult.Healthy($"{hosts.Count} active silo(s).")
                : HealthCheckResult.Unhealthy("No active silo.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The cluster did not answer: {e.GetType().Name}.");
        }
    }
}
