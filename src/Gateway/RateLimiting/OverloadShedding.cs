using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.RateLimiting;

/// <summary>
/// Backpressure for the whole gateway: beyond a bounded number of requests in progress (plus a bounded queue), new
/// requests are refused at once with 503 and Retry-After. Under overload some callers get a fast, retryable "not
/// now" instead of everyone waiting into a timeout; when the load drops the gateway recovers by itself.
/// Health probes and metrics are exempt, so operators can still see an overloaded gateway.
/// </summary>
public sealed class OverloadShedding(RequestDelegate next, IOptions<GatewayOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.MaxConcurrentRequests,
        QueueLimit = options.Value.OverloadQueueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/metrics"))
        {
            await next(context);
            return;
        }
        using var lease = await _limiter.AcquireAsync(1, context.RequestAborted);
        if (!lease.IsAcquired)
        {
            context.RequestServices.GetRequiredService<Observability.GatewayMetrics>().RequestShed();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Overloaded.",
                    Detail = "The gateway is at capacity; nothing was done. Retry after the indicated delay.",
                    Type = Problems.Type("overloaded"),
                },
            });
            return;
        }
        await next(context);
    }

    public void Dispose() => _limiter.Dispose();
}
