using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Health;
using OrleansSafety.Gateway.Json;
using OrleansSafety.Gateway.Observability;
using OrleansSafety.Gateway.OpenApi;
using OrleansSafety.Gateway.RateLimiting;

namespace OrleansSafety.Gateway.Hosting;

public static class GatewayServices
{
    /// <summary>Everything the gateway needs besides the cluster connection (see <see cref="ClusterHosting"/>).</summary>
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder, string[] args)
    {
        var services = builder.Services;
        if (args.Contains("--demo", StringComparer.Ordinal))
        {
            builder.Configuration.AddInMemoryCollection([new($"{GatewayOptions.SectionName}:{nameof(GatewayOptions.Demo)}", "true")]);
        }

        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        // Request bodies are capped for Kestrel as a whole too; the middleware answers the declared-length case early.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<GatewayOptions>>((kestrel, gateway) =>
            kestrel.Limits.MaxRequestBodySize = gateway.Value.MaxRequestBodyBytes);

        services.AddGatewayJson();
        // Binding failures (malformed JSON, wrong types) are thrown rather than answered with an empty 400, so that
        // the exception handler can answer with a ProblemDetails naming the field.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
            c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<GatewayExceptionHandler>();

        services.AddGatewayAuth();
        services.AddGatewayRateLimiting();
        services.AddGatewayOpenApi();
        services.AddGatewayHealthChecks(builder.Configuration);
        services.AddGatewayTelemetry();

        services.AddHostedService<BootstrapAdmin>();
        services.AddHostedService<DemoSeeder>();
        services.AddHostedService<StartupBanner>();
        return builder;
    }
}
