using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Audit;

/// <summary>Lets clients (the gateway) read the silo-side audit log.</summary>
[StatelessWorker, Reentrant]
public sealed class AuditReaderGrain(IAuditLog audit) : Grain, IAuditReaderGrain
{
    public const int MaxLimit = 500;

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query) =>
        audit.QueryAsync(query with { Limit = Math.Clamp(query.Limit, 1, MaxLimit) });

    public Task<TransparencyReport> GetTransparencyAsync(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw ModerationException.Invalid("to", "'to' must be after 'from'.");
        }
        return audit.GetTransparencyAsync(from, to);
    }
}
