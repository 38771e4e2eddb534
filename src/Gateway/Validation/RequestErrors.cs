namespace OrleansSafety.Gateway.Validation;

/// <summary>
/// Collects validation failures keyed by the JSON field (or route/query parameter) they concern, in the shape of
/// ProblemDetails' <c>errors</c> member. Each check records at most one message per field.
/// </summary>
public sealed class RequestErrors
{
    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public IDictionary<string, string[]> ToDictionary() => _errors;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Add(string field, string message)
    {
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>A caller-chosen identifier: 1–64 characters of [A-Za-z0-9._:-].</summary>
    public bool RequireId(string field, string? value)
    {
        if (value is null)
        {
            Add(field, "Required.");
            return false;
        }
        return OptionalId(field, value);
    }

    public bool OptionalId(string field, string? value)
    {
        if (value is null || Identifiers.IsValid(value))
        {
            return true;
        }
        Add(field, $"Must be 1–{Identifiers.MaxLength} characters of A–Z, a–z, 0–9, '.', '_', ':' or '-'.");
        return false;
    }

    /// <summary>Free text: 1–<paramref name="maxLength"/> characters, no control characters but newline and tab.</summary>
    public bool RequireText(string field, string? value, int maxLength = ChatText.MaxLength)
    {
        if (value is null)
        {
            Add(field, "Required.");
            return false;
        }
        return OptionalText(field, value, maxLength);
    }

    public bool OptionalText(string field, string? value, int maxLength = ChatText.MaxLength)
    {
        if (value is null || ChatText.IsValid(value, maxLength))
        {
            return true;
        }
        Add(field, value.Length == 0 || value.Length > maxLength
            ? $"Must be 1–{maxLength} characters."
            : "Must not contain control characters other than newline and tab.");
        return false;
    }

    public bool Require<T>(string field, T? value) where T : struct
    {
        if (value is null)
        {
            Add(field, "Required.");
            return false;
        }
        return true;
    }

    public bool Require(string field, object? value)
    {
        if (value is null)
        {
            Add(field, "Required.");
            return false;
        }
        return true;
    }

    public bool Range(string field, long? value, long min, long max)
    {
        if (value is null || (value >= min && value <= max))
        {
            return true;
        }
        Add(field, $"Must be between {min} and {max}.");
        return false;
    }

    /// <summary>A field that this kind of request does not use: a validation error rather than a silent drop.</summary>
    public void Forbid(string field, object? value, string why)
    {
        if (value is not null)
        {
            Add(field, why);
        }
    }
}
