namespace OrleansSafety.Contracts.Model;

/// <summary>How a domain rule refused a call; the gateway maps each to one HTTP status.</summary>
public enum ModerationError
{
    /// <summary>The input breaks a rule (400). <see cref="ModerationException.Field"/> names the field.</summary>
    Invalid,
    /// <summary>The thing does not exist, or the caller may not know it does (404).</summary>
    NotFound,
    /// <summary>The caller is not allowed to do this to this thing (403).</summary>
    Forbidden,
    /// <summary>The thing is in the wrong state for this call, e.g. a case claimed by someone else (409).</summary>
    Conflict,
    /// <summary>Storage could not be reached or refused a write; nothing was acknowledged; retry (503).</summary>
    Unavailable,
}

/// <summary>A domain rule refused the call. Thrown by grains, carried across Orleans, mapped to ProblemDetails.</summary>
[GenerateSerializer, Alias("moderation-exception")]
public sealed class ModerationException : Exception
{
    public ModerationException()
    {
    }

    public ModerationException(string message) : base(message)
    {
    }

    public ModerationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public ModerationException(ModerationError error, string message, string? field = null) : base(message)
    {
        Error = error;
        Field = field;
    }

    [Id(0)] public ModerationError Error { get; init; }

    [Id(1)] public string? Field { get; init; }

    public static ModerationException Invalid(string field, string message) => new(ModerationError.Invalid, message, field);

    public static ModerationException NotFound(string message) => new(ModerationError.NotFound, message);

    public static ModerationException Forbidden(string message) => new(ModerationError.Forbidden, message);

    public static ModerationException Conflict(string message) => new(ModerationError.Conflict, message);

    public static ModerationException Unavailable(string message) => new(ModerationError.Unavailable, message);
}
