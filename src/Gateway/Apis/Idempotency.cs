using System.Security.Cryptography;
using System.Text;
using OrleansSafety.Gateway.Errors;

namespace OrleansSafety.Gateway.Apis;

/// <summary>
/// The optional <c>Idempotency-Key</c> header of POST /rooms/{roomId}/messages and POST /flags. The key is scoped
/// to the API key's name and the user, hashed into a deterministic id, so that two callers choosing the same key
/// never collide and a retry after a timeout returns the first answer instead of acting twice.
/// </summary>
internal static class Idempotency
{
    public const string HeaderName = "Idempotency-Key";

    public const string Description =
        "Optional, 1–64 characters of [A-Za-z0-9._:-]. A retry with the same key (from the same API key and user) " +
        "returns the first answer instead of acting twice.";

    public static string FlagId(string apiKeyName, string reporterId, string key) => "flag_" + Digest(apiKeyName, reporterId, key);

    public static string ClientMessageId(string apiKeyName, string userId, string key) => "msg_" + Digest(apiKeyName, userId, key);

    /// <summary>First 32 hex digits of SHA-256 over the parts, separated by a character no identifier contains.</summary>
    private static string Digest(string apiKeyName, string subject, string key) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{apiKeyName}\n{subject}\n{key}")))[..32];

    /// <summary>Refuses a malformed key before the handler runs.</summary>
    public static RouteHandlerBuilder ValidateIdempotencyKey(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            var headers = context.HttpContext.Request.Headers;
            if (headers.TryGetValue(HeaderName, out var values) && (values.Count != 1 || !Identifiers.IsValid(values[0])))
            {
                return ValueTask.FromResult<object?>(Problems.Validation(HeaderName, "Must be 1–64 characters of [A-Za-z0-9._:-], given once."));
            }
            return next(context);
        });
}
