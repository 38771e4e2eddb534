namespace OrleansSafety.LoadTest.Targets;

/// <summary>
/// An operation that did not succeed. <see cref="Refused"/> marks answers the system gives on purpose (a muted
/// user's message, a reporter over the limit, a conflict) as opposed to failures (5xx, timeouts, lost connections).
/// <see cref="Kind"/> is what the report counts by: the problem type's slug, an HTTP status, or an exception name.
/// </summary>
public sealed class OpException : Exception
{
    public OpException()
    {
        Kind = "unknown";
    }

    public OpException(string message) : base(message)
    {
        Kind = "unknown";
    }

    public OpException(string message, Exception innerException) : base(message, innerException)
    {
        Kind = "unknown";
    }

    public OpException(string kind, bool refused, string message, Exception? inner = null) : base(message, inner)
    {
        Kind = kind;
        Refused = refused;
    }

    public string Kind { get; }

    public bool Refused { get; }
}
