using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Apis;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Hosting;
using OrleansSafety.Gateway.Observability;

namespace OrleansSafety.Gateway.RateLimiting;

/// <summary>
/// SPEC §2's reporter limit: at most N flags per window per reporter (30 per 10 minutes by default), as a sliding
/// window so that the limit holds over any 10 minutes, not just per clock-aligned window. Counted per gateway
/// process: with several gateways behind a balancer a reporter's effective limit is N per gateway.
/// </summary>
public sealed class ReporterRateLimiter : IDisposable
{
    private const int Segments = 10;

    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _segment;

    public ReporterRateLimiter(IOptions<GatewayOptions> options)
    {
        var limits = options.Value.RateLimits;
        _segment = limits.FlagWindow / Segments;
        _limiter = PartitionedRateLimiter.Create<string, string>(
            reporterId => RateLimitPartition.GetSlidingWindowLimiter(reporterId, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = limits.FlagsPerReporter,
                Window = limits.FlagWindow,
                SegmentsPerWindow = Segments,
                QueueLimit = 0,
            }),
            StringComparer.Ordinal);
    }

    /// <summary>Takes one permit for the reporter; when none is left, says how long to wait.</summary>
    public bool TryAcquire(string reporterId, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(reporterId);
        retryAfter = lease.IsAcquired ? TimeSpan.Zero : lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : _segment;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

public static class ReporterRateLimitFilter
{
    /// <summary>
    /// Applies the reporter limit to POST /flags. Runs after the body has been bound and validated, so the
    /// reporterId is read from the one parsed body, and a refused flag never reaches a grain: nothing is recorded.
    /// </summary>
    public static RouteHandlerBuilder RequireReporterRateLimit(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(static async (context, next) =>
        {
            if (context.Arguments.OfType<FlagRequest>().FirstOrDefault()?.ReporterId is not { } reporterId)
            {
                return await next(context);
            }
            var services = context.HttpContext.RequestServices;
            if (services.GetRequiredService<ReporterRateLimiter>().TryAcquire(reporterId, out var retryAfter)
                || await IsRetryOfRecordedFlagAsync(context.HttpContext, reporterId))
            {
                return await next(context);
            }
            services.GetRequiredService<GatewayMetrics>().FlagRateLimited();
            context.HttpContext.Response.Headers.RetryAfter = RateLimitingSetup.RetryAfterSeconds(retryAfter);
            var problem = RateLimitingSetup.TooManyRequests("This reporter has filed too many flags recently; nothing was recorded.");
            return TypedResults.Problem(problem);
        })
        .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <summary>
    /// A retry (same Idempotency-Key) of a flag that was recorded although its answer got lost is answered with that
    /// flag, not 429: otherwise a reporter at the limit could never learn the id of a flag we have. Asked only once
    /// the limiter refuses, so flags under the limit pay nothing for it.
    /// </summary>
    private static async Task<bool> IsRetryOfRecordedFlagAsync(HttpContext http, string reporterId)
    {
        var key = http.Request.Headers[Idempotency.HeaderName].ToString();
        if (key.Length == 0)
        {
            return false;
        }
        var flagId = Idempotency.FlagId(http.User.CallerId(), reporterId, key);
        var grains = http.RequestServices.GetRequiredService<IGrainFactory>();
        return await grains.Get<IFlagGrain>(flagId).GetIfRecordedAsync() is not null;
    }
}
