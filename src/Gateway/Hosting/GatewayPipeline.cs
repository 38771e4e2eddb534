using OrleansSafety.Gateway.RateLimiting;
using Orleans.Dashboard;
using OpenTelemetry.Exporter;
using OrleansSafety.Gateway.Apis;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Health;
using OrleansSafety.Gateway.OpenApi;

namespace OrleansSafety.Gateway.Hosting;

public static class GatewayPipeline
{
    public const string ApiPrefix = "/api/v1";

    public static WebApplication UseGatewayPipeline(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty 4xx answers (401/403 from authentication, 404 for unknown routes, 405) get a ProblemDetails body.
        app.UseStatusCodePages();
        app.UseMiddleware<OverloadShedding>();
        app.UseMiddleware<RequestBodyLimitMiddleware>();

        // The agent dashboard: a static front end in wwwroot, served at "/".
        app.UseDashboardFiles();

        app.UseAuthentication();
        app.UseMiddleware<CookieCsrfMiddleware>();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        var api = app.MapGroup(ApiPrefix).ProducesValidationProblem().ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapRoomsApi()
            .MapFlagsApi()
            .MapUsersApi()
            .MapAgentsApi()
            .MapAgentWorkApi()
            .MapCasesApi()
            .MapAppealsApi()
            .MapReportsApi();
        api.MapBenchmarkApi(app.Configuration);

        app.MapGatewayHealth();
        app.MapPrometheusScrapingEndpoint("/metrics").DisableRateLimiting();
        app.MapGatewayOpenApi();

        var cluster = app.Services.GetRequiredService<ClusterHostingInfo>();
        if (cluster.Dashboard)
        {
            // The Orleans dashboard has no authentication of its own: admins only (cookie from the dashboard login).
            app.MapOrleansDashboard(routePrefix: "/dashboard").RequireAuthorization(GatewayPolicies.Admin).ExcludeFromDescription();
        }
        return app;
    }
}
