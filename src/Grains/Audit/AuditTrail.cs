using System.Globalization;

namespace OrleansSafety.Grains.Audit;

/// <summary>Builds audit entries. Ids are deterministic where a grain may redo an effect, so a retry appends nothing new.</summary>
internal static class AuditTrail
{
    public const string System = "system";
    public const string Reporter = "reporter";

    public static AuditEntry Entry(
        string action,
        string actorId,
        DateTimeOffset at,
        string? entryId = null,
        string? caseId = null,
        string? userId = null,
        string? agentId = null,
        string? roomId = null,
        string? appealId = null,
        IReadOnlyDictionary<string, string>? details = null) =>
        new(entryId ?? Identifiers.NewId("audit"), at, action, actorId, caseId, userId, agentId, roomId, appealId, details);

    public static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
