using System.Globalization;
using System.Security.Claims;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

internal static class ApiConventions
{
    /// <summary>The caller's id: the agent id for agents, the key's name for the game backend.</summary>
    public static string CallerId(this ClaimsPrincipal user) =>
        user.Identity?.Name ?? throw new InvalidOperationException("The endpoint requires an authenticated caller.");

    /// <summary>Documents the problem statuses an endpoint can answer with besides its typed results.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }
        return builder;
    }

    /// <summary>An optional integer query parameter in [min, max]; the default when absent.</summary>
    public static long? QueryNumber(this RequestErrors errors, string field, string? raw, long min, long max, long? fallback = null)
    {
        if (raw is null)
        {
            return fallback;
        }
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add(field, $"Must be a whole number between {min} and {max}.");
        return fallback;
    }

    /// <summary>An optional ISO-8601 time query parameter (UTC assumed when no offset is given).</summary>
    public static DateTimeOffset? QueryTime(this RequestErrors errors, string field, string? raw)
    {
        if (raw is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value;
        }
        errors.Add(field, "Must be an ISO-8601 time, e.g. 2025-01-31T00:00:00Z.");
        return null;
    }
}
