using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.RateLimiting;

public static class RateLimitingSetup
{
    /// <summary>The limiter policy of the login endpoint: attempts per client address.</summary>
    public const string LoginPolicy = "login";

    /// <summary>
    /// A token bucket per API key over every request (so one game backend cannot starve another), a fixed window
    /// per address on login, and the per-reporter flag limit of SPEC §2 (<see cref="ReporterRateLimiter"/>), which
    /// needs the parsed body and so runs as an endpoint filter rather than here.
    /// </summary>
    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<ReporterRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayOptions>>((o, gateway) =>
        {
            var limits = gateway.Value.RateLimits;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.User.IsInRole(RoleNames.Backend) && context.User.Identity?.Name is { } keyName
                    ? RateLimitPartition.GetTokenBucketLimiter(keyName, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limits.PerKeyBurst,
                        TokensPerPeriod = limits.PerKeyPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.AddPolicy(LoginPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.LoginsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return WriteTooManyRequestsAsync(context.HttpContext, retryAfter, "Too many requests for this caller; slow down.");
            };
        });
        return services;
    }

    public static async ValueTask WriteTooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = TooManyRequests(detail),
        });
    }

    public static Microsoft.AspNetCore.Mvc.ProblemDetails TooManyRequests(string detail) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = "Rate limit exceeded.",
        Detail = detail,
        Type = Problems.Type("rate-limited"),
    };

    /// <summary>Whole seconds, rounded up and at least 1, as Retry-After wants them.</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
