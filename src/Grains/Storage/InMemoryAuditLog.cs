namespace OrleansSafety.Grains.Storage;

/// <summary>The audit log of the no-database mode: a list in process memory.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly List<AuditEntry> _entries = [];
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public Task AppendAsync(AuditEntry entry)
    {
        lock (_gate)
        {
            if (_ids.Add(entry.EntryId))
            {
                _entries.Add(entry);
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query)
    {
        lock (_gate)
        {
            // Reversed first so that entries with the same time still come newest first (OrderBy is stable).
            IReadOnlyList<AuditEntry> result = _entries
                .AsEnumerable()
                .Reverse()
                .Where(e => query.CaseId is null || e.CaseId == query.CaseId)
                .Where(e => query.UserId is null || e.UserId == query.UserId)
                .Where(e => query.AgentId is null || e.AgentId == query.AgentId || e.ActorId == query.AgentId)
                .OrderByDescending(e => e.At)
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(result);
        }
    }

    public Task<TransparencyReport> GetTransparencyAsync(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var inRange = _entries.Where(e => e.At >= from && e.At < to).ToList();
            return Task.FromResult(TransparencyCalculator.Compute(from, to, inRange));
        }
    }
}
