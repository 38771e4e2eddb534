namespace OrleansSafety.Grains.Storage;

/// <summary>The append-only audit log, and the transparency counts derived from it.</summary>
public interface IAuditLog
{
    /// <summary>Completes once the entry is durable. Appending the same <see cref="AuditEntry.EntryId"/> twice keeps one.</summary>
    Task AppendAsync(AuditEntry entry);

    /// <summary>Entries matching every given filter, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query);

    Task<TransparencyReport> GetTransparencyAsync(DateTimeOffset from, DateTimeOffset to);
}

/// <summary>The detail keys that the transparency report reads from audit entries.</summary>
public static class AuditDetailKeys
{
    public const string Reason = "reason";
    public const string Outcome = "outcome";
    public const string Sanction = "sanction";
    public const string SecondsToDecision = "secondsToDecision";
    public const string Why = "why";
    public const string Until = "until";
    public const string Roles = "roles";
}
