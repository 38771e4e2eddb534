using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace OrleansSafety.Gateway.Auth;

/// <summary>
/// The successful outcome of API-key authentication, built once per key name and shared by every request that
/// presents a key of that name. A game backend sends every request with the same key, so building the principal,
/// its claims and its ticket per request only fed the gateway's collector (a tenth of what a chat post allocated).
/// The key itself is still checked on every request (<see cref="ApiKeyStore.Match"/>): a key taken out of
/// configuration is refused at once. Sharing is safe because nothing downstream changes a principal or a ticket's
/// properties (no claims transformation is registered); the cache holds one entry per key name ever configured.
/// </summary>
internal sealed class ApiKeyOutcomes
{
    private readonly ConcurrentDictionary<string, Task<AuthenticateResult>> _byKeyName = new(StringComparer.Ordinal);

    public Task<AuthenticateResult> For(string keyName) => _byKeyName.GetOrAdd(keyName, static name =>
    {
        var identity = new ClaimsIdentity(
            [new Claim(GatewayAuth.SubjectClaim, name), new Claim(GatewayAuth.RoleClaim, RoleNames.Backend)],
            GatewayAuth.ApiKeyScheme,
            GatewayAuth.SubjectClaim,
            GatewayAuth.RoleClaim);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), GatewayAuth.ApiKeyScheme)));
    });
}
