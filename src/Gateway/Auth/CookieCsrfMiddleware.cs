using Microsoft.AspNetCore.Mvc;
using OrleansSafety.Gateway.Errors;

namespace OrleansSafety.Gateway.Auth;

/// <summary>
/// Anti-forgery for the dashboard cookie: an unsafe request authenticated by the cookie must carry the
/// <c>X-Requested-With</c> header. Bearer tokens and API keys are never sent by a browser on its own, so they need
/// no such check. SameSite=Strict on the cookie is the first line; this header is the second.
/// </summary>
internal sealed class CookieCsrfMiddleware(RequestDelegate next, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        if (!safe
            && context.User.Identity is { IsAuthenticated: true, AuthenticationType: GatewayAuth.CookieScheme }
            && string.IsNullOrEmpty(context.Request.Headers[GatewayAuth.CsrfHeader]))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Title = "Missing anti-forgery header.",
                    Detail = $"Requests authenticated by the session cookie must send the {GatewayAuth.CsrfHeader} header.",
                    Type = Problems.Type("csrf"),
                },
            });
            return;
        }
        await next(context);
    }
}
