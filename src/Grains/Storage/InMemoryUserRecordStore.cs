using System.Collections.Concurrent;

namespace OrleansSafety.Grains.Storage;

/// <summary>The user records of the no-database mode: they outlive a user's activation, not the process.</summary>
public sealed class InMemoryUserRecordStore : IUserRecordStore
{
    private readonly ConcurrentDictionary<string, UserRecords> _users = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<Notice>> ReadNoticesAsync(string userId, int limit)
    {
        var records = Records(userId);
        lock (records)
        {
            return Task.FromResult<IReadOnlyList<Notice>>(records.Notices.Values
                .OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.NoticeId, StringComparer.Ordinal)
                .Take(limit).ToList());
        }
    }

    public Task<IReadOnlyDictionary<string, bool>> ReadReportOutcomesAsync(string userId)
    {
        var records = Records(userId);
        lock (records)
        {
            return Task.FromResult<IReadOnlyDictionary<string, bool>>(new Dictionary<string, bool>(records.Outcomes, StringComparer.Ordinal));
        }
    }

    public Task WriteAsync(string userId, Notice? notice, ReportOutcome? outcome)
    {
        var records = Records(userId);
        lock (records)
        {
            if (notice is not null)
            {
                records.Notices[notice.NoticeId] = notice;
            }
            if (outcome is { } decided)
            {
                records.Outcomes[decided.FlagId] = decided.Upheld;
            }
        }
        return Task.CompletedTask;
    }

    private UserRecords Records(string userId) => _users.GetOrAdd(userId, _ => new UserRecords());

    private sealed class UserRecords
    {
        public Dictionary<string, Notice> Notices { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, bool> Outcomes { get; } = new(StringComparer.Ordinal);
    }
}
