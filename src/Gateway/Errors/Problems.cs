using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Errors;

/// <summary>The gateway's ProblemDetails (RFC 7807): one place for titles, types and the refusal vocabulary.</summary>
public static class Problems
{
    /// <summary>Problem types the API defines; each ends in the slug that callers switch on (SPEC §3).</summary>
    public static string Type(string slug) => $"urn:orleans-safety:problem:{slug}";

    public const string ValidationTitle = "The request is invalid.";

    public static ValidationProblem Validation(RequestErrors errors)
    {
        var dictionary = errors.ToDictionary();
        var fields = string.Join(", ", dictionary.Keys);
        return TypedResults.ValidationProblem(
            dictionary,
            detail: $"Invalid or missing: {fields}.",
            title: ValidationTitle,
            type: Type("validation"));
    }

    public static ValidationProblem Validation(string field, string message)
    {
        var errors = new RequestErrors();
        errors.Add(field, message);
        return Validation(errors);
    }

    /// <summary>A chat message refused because of a sanction or a boot: 403 with type ending in user-muted etc.</summary>
    public static ProblemHttpResult ChatRefused(string userId, ChatRefusal refusal, DateTimeOffset? until)
    {
        var slug = WireNames.ToWire(refusal).Replace('_', '-');
        var (title, what) = refusal switch
        {
            ChatRefusal.UserMuted => ("The user is muted.", "muted"),
            ChatRefusal.UserSuspended => ("The user is suspended.", "suspended"),
            ChatRefusal.UserBanned => ("The user is banned.", "banned"),
            _ => ("The user is booted from this room.", "booted from this room"),
        };
        var detail = until is { } end
            ? $"User '{userId}' is {what} until {end.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}."
            : $"User '{userId}' is {what} permanently.";
        var extensions = new Dictionary<string, object?> { ["until"] = until };
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: title, type: Type(slug), extensions: extensions);
    }

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", type: Type("forbidden"));

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.", type: Type("unauthorized"));
}
