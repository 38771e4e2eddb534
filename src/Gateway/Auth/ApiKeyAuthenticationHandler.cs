using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace OrleansSafety.Gateway.Auth;

/// <summary>Authenticates the game backend by its <c>X-Api-Key</c>; the principal's name is the key's name.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    ApiKeyOutcomes outcomes)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(GatewayAuth.ApiKeyHeader, out var values))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (values.Count != 1 || keys.Match(values[0]) is not { } name)
        {
            return Task.FromResult(AuthenticateResult.Fail("Invalid API key."));
        }
        return outcomes.For(name);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{GatewayAuth.ApiKeyHeader}\"";
        return Task.CompletedTask;
    }
}
