namespace OrleansSafety.Grains;

/// <summary>
/// The clock every domain rule reads (leases, sanction ends, strike windows). A type of its own so that tests can
/// move the domain's time forward without also moving the clocks Orleans itself runs on.
/// </summary>
public sealed class ModerationClock(TimeProvider time)
{
    public static readonly ModerationClock System = new(TimeProvider.System);

    public DateTimeOffset Now => time.GetUtcNow();
}
