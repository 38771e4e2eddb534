using System.Text.RegularExpressions;

namespace OrleansSafety.Contracts.Model;

/// <summary>Rules for the caller-chosen identifiers (userId, roomId, agentId) of SPEC §2.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 64;

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>A short random id with a readable prefix, e.g. <c>case_3f2a…</c>.</summary>
    public static string NewId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}
