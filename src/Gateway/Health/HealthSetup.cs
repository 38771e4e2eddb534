using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansSafety.Persistence;

namespace OrleansSafety.Gateway.Health;

public static class HealthSetup
{
    /// <summary>Checks with this tag must pass for /health/ready (the PostgreSQL check registers with it too).</summary>
    public const string ReadyTag = "ready";

    public static IServiceCollection AddGatewayHealthChecks(this IServiceCollection services, IConfiguration configuration)
    {
        var checks = services.AddHealthChecks().AddCheck<ClusterHealthCheck>("orleans-cluster", tags: [ReadyTag]);
        if (ModerationStorageExtensions.HasPostgres(configuration))
        {
            checks.AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag]);
        }
        return services;
    }

    /// <summary>/health/live: the process serves HTTP. /health/ready: every "ready" check passes.</summary>
    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync })
            .WithTags("Operations").AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
