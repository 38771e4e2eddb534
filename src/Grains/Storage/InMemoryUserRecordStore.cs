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
            return Task.FromResult<IReadOnlyList<Notice>>(records.Notices.AsEnumerable().Reverse().Take(limit).ToList());
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
                records.WriteNotice(notice);
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
        private readonly Dictionary<string, int> _noticePositions = new(StringComparer.Ordinal);

        /// <summary>In the order they were first written.</summary>
        public List<Notice> Notices { get; } = [];

        public void WriteNotice(Notice notice)
        {
            if (_noticePositions.TryGetValue(notice.NoticeId, out var position))
            {
                Notices[position] = notice;
                return;
            }
            _noticePositions[notice.NoticeId] = Notices.Count;
            Notices.Add(notice);
        }

        public Dictionary<string, bool> Outcomes { get; } = new(StringComparer.Ordinal);
    }
}
