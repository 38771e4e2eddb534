using OpenTelemetry.Metrics;

namespace OrleansSafety.Gateway.Observability;

public static class TelemetrySetup
{
    /// <summary>
    /// Prometheus metrics at /metrics: the gateway's and the grains' meters, ASP.NET Core's and Orleans' own, and the
    /// .NET runtime's (GC pauses and collections, bytes allocated, thread pool), which the load tool reads per phase.
    /// </summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, GatewayMetrics.GrainsMeterName)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
            .AddMeter("Microsoft.Orleans")
            .AddMeter("System.Runtime")
            .AddPrometheusExporter());
        return services;
    }
}
