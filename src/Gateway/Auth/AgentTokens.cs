using System.Security.Claims;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.Auth;

/// <summary>Issues and describes the HMAC-signed JWTs agents authenticate with (bearer header or dashboard cookie).</summary>
public sealed class AgentTokens(IOptions<GatewayOptions> options, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();

    public sealed record IssuedToken(string AccessToken, DateTimeOffset ExpiresAt, int ExpiresInSeconds);

    public IssuedToken Issue(string agentId, AgentRoles roles)
    {
        var auth = options.Value.Auth;
        var now = time.GetUtcNow();
        var expires = now + auth.TokenLifetime;
        var claims = new List<Claim> { new(GatewayAuth.SubjectClaim, agentId), new("jti", Guid.NewGuid().ToString("N")) };
        claims.AddRange(RoleNames.ToNames(RoleNames.Expand(roles)).Select(r => new Claim(GatewayAuth.RoleClaim, r)));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = auth.Issuer,
            Audience = auth.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(SigningKey(auth), SecurityAlgorithms.HmacSha256),
        });
        return new IssuedToken(token, expires, (int)auth.TokenLifetime.TotalSeconds);
    }

    public static SymmetricSecurityKey SigningKey(AuthSettings auth) =>
        new(Encoding.UTF8.GetBytes(auth.SigningKey ?? throw new InvalidOperationException("Gateway:Auth:SigningKey is not configured.")));

    public static TokenValidationParameters ValidationParameters(AuthSettings auth, string authenticationType) => new()
    {
        ValidIssuer = auth.Issuer,
        ValidAudience = auth.Audience,
        IssuerSigningKey = SigningKey(auth),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = GatewayAuth.SubjectClaim,
        RoleClaimType = GatewayAuth.RoleClaim,
        // Tells the anti-forgery check which scheme authenticated the request.
        AuthenticationType = authenticationType,
    };
}
