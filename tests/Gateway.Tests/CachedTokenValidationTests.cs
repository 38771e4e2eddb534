using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Hosting;
using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>An agent's token is validated once per lifetime, never past it, and a refused one is never remembered.</summary>
public sealed class CachedTokenValidationTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly AuthSettings _auth = new() { SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) };

    [Fact]
    public async Task A_valid_token_is_validated_once_and_refused_once_it_has_expired()
    {
        var handler = new CachingJsonWebTokenHandler(_time);
        var token = Issue();

        var first = await handler.ValidateTokenAsync(token, Parameters());
        var again = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid);
        Assert.Same(first, again);

        _time.Advance(_auth.TokenLifetime + TimeSpan.FromSeconds(1));
        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task A_refused_token_is_checked_again_every_time()
    {
        var handler = new CachingJsonWebTokenHandler(_time);
        var token = Issue();
        var tampered = token[..^4] + (token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        var first = await handler.ValidateTokenAsync(tampered, Parameters());
        var again = await handler.ValidateTokenAsync(tampered, Parameters());

        Assert.False(first.IsValid);
        Assert.False(again.IsValid);
        Assert.NotSame(first, again);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task A_full_cache_starts_over_and_still_validates()
    {
        var handler = new CachingJsonWebTokenHandler(_time, capacity: 1);
        var (one, two) = (Issue(), Issue());

        var first = await handler.ValidateTokenAsync(one, Parameters());
        Assert.True((await handler.ValidateTokenAsync(two, Parameters())).IsValid);
        var oneAgain = await handler.ValidateTokenAsync(one, Parameters());

        Assert.True(oneAgain.IsValid);
        Assert.NotSame(first, oneAgain);
    }

    private string Issue() =>
        new AgentTokens(Options.Create(new GatewayOptions { Auth = _auth }), _time).Issue(Ids.New("agent"), AgentRoles.Agent).AccessToken;

    /// <summary>The gateway's parameters, with token lifetimes checked against the test's clock instead of the machine's.</summary>
    private TokenValidationParameters Parameters()
    {
        var parameters = AgentTokens.ValidationParameters(_auth, GatewayAuth.BearerScheme);
        parameters.LifetimeValidator = (notBefore, expires, _, _) =>
            _time.GetUtcNow().UtcDateTime is var now && (notBefore is null || notBefore <= now) && expires > now;
        return parameters;
    }
}
