namespace OrleansSafety.Gateway.Validation;

/// <summary>
/// A request body DTO. Every property is nullable so that a missing value reaches <see cref="Validate"/> and is
/// reported under its JSON name instead of failing deserialization with a vaguer message.
/// </summary>
public interface IValidatableRequest
{
    void Validate(RequestErrors errors);
}
