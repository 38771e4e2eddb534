using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace OrleansSafety.Gateway.Auth;

/// <summary>
/// Validates an agent's token once and answers its later requests from memory until the token expires. Every
/// request of an agent's session carries the same signed token, and validating it again (parse, HMAC, claims, a copy
/// of the parameters) was a third of what the gateway allocated per claim and decision (docs/BENCHMARKS.md, tenth
/// round). Nothing is lost by remembering: a token is immutable, its signature and claims check the same every time,
/// and only time changes the answer, so an entry is kept no longer than the token's own expiry (without the clock
/// skew validation allows: past it, the token is simply validated again). Failures are not remembered. Tokens are
/// stateless here (logout clears the cookie; a disabled agent is refused by its grain), so there is no revocation for
/// a cache to miss. Each authentication scheme has its own handler, since the scheme's parameters are part of what
/// was validated.
/// </summary>
public sealed class CachingJsonWebTokenHandler(TimeProvider time, int capacity = CachingJsonWebTokenHandler.DefaultCapacity) : JsonWebTokenHandler
{
    /// <summary>Signed-in agents whose validations are kept; beyond it the cache starts over (one validation each).</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow();
        if (_validated.TryGetValue(token, out var known) && now < known.Until)
        {
            return known.Answer;
        }
        var result = await base.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken { ValidTo: var validTo } && validTo > DateTime.MinValue)
        {
            if (_validated.Count >= capacity)
            {
                _validated.Clear();
            }
            _validated[token] = new Validated(result, new DateTimeOffset(validTo, TimeSpan.Zero));
        }
        return result;
    }

    private sealed record Validated(TokenValidationResult Answer, DateTimeOffset Until);
}
