using OpenTelemetry.Metrics;

namespace OrleansSafety.Gateway.Observability;

public static class TelemetrySetup
{
    /// <summary>Prometheus metrics at /metrics: the gateway's and the grains' meters, plus ASP.NET Core's own.</summary>
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services)
    {
        services.AddSingleton<GatewayMetrics>();
        services.AddHostedService<QueueDepthSampler>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GatewayMetrics.MeterName, GatewayMetrics.GrainsMeterName)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.RateLimiting")
            .AddMeter("Microsoft.Orleans")
            .AddPrometheusExporter());
        return services;
    }
}
