using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Cases;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Queue;

/// <summary>
/// One slice of the case queue. Grants claims one at a time (a grain turn is atomic), keeps open cases in claim
/// order, and returns lapsed claims to the open set — on a timer while active and on a reminder after a restart.
/// Its index is a row per case in <see cref="IQueueIndexStore"/> (writes of many cases at once share a commit there);
/// a claim it grants is made durable by the case, which then upserts the entry here, so granting costs no write of
/// its own.
/// </summary>
public sealed class QueuePartitionGrain(
    IQueueIndexStore store,
    ModerationClock clock,
    IOptions<ModerationOptions> options) : Grain, IQueuePartitionGrain, IRemindable
{
    private const string SweepReminder = "lease-sweep";

    private readonly ModerationOptions _options = options.Value;
    private readonly Dictionary<string, QueueEntry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<QueueHead> _open = [];
    private readonly Dictionary<string, QueueHead> _openKeys = new(StringComparer.Ordinal);

    // Claimed cases by lease end. Every read and grant first reopens lapsed claims; scanning all entries for them
    // made each claim cost O(cases in the partition) (9 % of the silo's CPU in a 6000-case claim storm).
    private readonly SortedSet<LeaseKey> _leases = new(LeaseOrder.Instance);
    private readonly Dictionary<string, LeaseKey> _leaseKeys = new(StringComparer.Ordinal);

    private int Partition => (int)this.GetPrimaryKeyLong();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        foreach (var entry in await store.LoadAsync(Partition))
        {
            Put(entry, now);
        }
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(_options.LeaseSweepInterval, _options.LeaseSweepInterval));
        // The reminder brings the partition back after a restart, so leases lapse on time even if nobody asks.
        await this.RegisterOrUpdateReminder(SweepReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepAsync(CancellationToken.None);

    public async Task UpsertAsync(CaseSummary summary, double basePriority)
    {
        var entry = new QueueEntry(summary, basePriority);
        await store.UpsertAsync(Partition, entry);
        Put(entry, clock.Now);
    }

    public async Task RemoveAsync(string caseId)
    {
        await store.RemoveAsync(Partition, caseId);
        _entries.Remove(caseId);
        ForgetLease(caseId);
        Unindex(caseId);
    }

    public Task<QueueHead?> PeekHeadAsync()
    {
        ReopenLapsed(clock.Now);
        return Task.FromResult(_open.Count == 0 ? (QueueHead?)null : _open.Min);
    }

    public Task<ClaimAttempt> ClaimHeadAsync(string agentId, DateTimeOffset leaseUntil, QueueHead? mustPrecede)
    {
        var now = clock.Now;
        ReopenLapsed(now);
        if (_open.Count == 0)
        {
            return Task.FromResult(ClaimAttempt.Refused(null));
        }
        var head = _open.Min;
        if (mustPrecede is { } rival && head > rival)
        {
            return Task.FromResult(ClaimAttempt.Refused(head));
        }
        var best = _entries[head.CaseId];
        var claimed = best with { Summary = best.Summary with { Status = CaseStatus.Claimed, ClaimedBy = agentId, LeaseUntil = leaseUntil } };
        Put(claimed, now);
        return Task.FromResult(ClaimAttempt.Won(Present(claimed, now)));
    }

    /// <summary>
    /// Open cases in claim order, then claimed ones by priority. Read from the claim order the partition keeps
    /// anyway, so a dashboard's poll costs the <paramref name="top"/> cases it shows (and the few claimed ones), not a
    /// sort of the whole partition: every agent's dashboard asks every two seconds, and the gateway's queue gauges too.
    /// </summary>
    public Task<QueueOverview> GetOverviewAsync(int top)
    {
        var now = clock.Now;
        ReopenLapsed(now); // from here on, a case is claimed exactly when it is not in the open set
        var oldestCreated = DateTimeOffset.MaxValue;
        foreach (var head in _open)
        {
            oldestCreated = head.CreatedAt < oldestCreated ? head.CreatedAt : oldestCreated;
        }
        var oldest = _open.Count == 0 ? 0 : Math.Max(0, (now - oldestCreated).TotalSeconds);
        var items = _open.Take(top).Select(head => Present(_entries[head.CaseId], now)).ToList();
        if (items.Count < top)
        {
            items.AddRange(_leases
                .Select(lease => Present(_entries[lease.CaseId], now))
                .OrderByDescending(s => s.Priority)
                .ThenBy(s => s.CreatedAt)
                .Take(top - items.Count));
        }
        return Task.FromResult(new QueueOverview(_open.Count, _entries.Count - _open.Count, oldest, items));
    }

    public Task<IReadOnlyList<CaseSummary>> GetHeldByAsync(string agentId)
    {
        var now = clock.Now;
        return Task.FromResult<IReadOnlyList<CaseSummary>>(_entries.Values
            .Where(e => e.IsClaimedAt(now) && e.Summary.ClaimedBy == agentId)
            .Select(e => Present(e, now))
            .ToList());
    }

    private Task SweepAsync(CancellationToken cancellationToken)
    {
        ReopenLapsed(clock.Now);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Puts cases whose lease ran out back in the open set and tells each case, without waiting: the case records
    /// the lapse and upserts its entry here, and waiting on it from inside this turn would deadlock the two.
    /// </summary>
    private void ReopenLapsed(DateTimeOffset now)
    {
        while (_leases.Count > 0 && _leases.Min.Until <= now)
        {
            var entry = _entries[_leases.Min.CaseId];
            Put(entry with { Summary = entry.Summary with { Status = CaseStatus.Open, ClaimedBy = null, LeaseUntil = null } }, now);
            GrainFactory.Get<ICaseGrain>(entry.Summary.CaseId).ExpireLeaseAsync().Ignore();
        }
    }

    /// <summary>Records the entry, its lease (if claimed) and its place in the claim order.</summary>
    private void Put(QueueEntry entry, DateTimeOffset now)
    {
        var caseId = entry.Summary.CaseId;
        _entries[caseId] = entry;
        ForgetLease(caseId);
        if (entry.Summary is { Status: CaseStatus.Claimed, LeaseUntil: { } until })
        {
            var lease = new LeaseKey(until, caseId);
            _leases.Add(lease);
            _leaseKeys[caseId] = lease;
        }
        Index(entry, now);
    }

    private void ForgetLease(string caseId)
    {
        if (_leaseKeys.Remove(caseId, out var lease))
        {
            _leases.Remove(lease);
        }
    }

    private void Index(QueueEntry entry, DateTimeOffset now)
    {
        Unindex(entry.Summary.CaseId);
        if (entry.IsClaimedAt(now))
        {
            return;
        }
        var key = new QueueHead(CasePriority.Rank(entry.BasePriority, entry.Summary.CreatedAt, _options.AgingPointsPerHour),
            entry.Summary.CreatedAt, entry.Summary.CaseId);
        _open.Add(key);
        _openKeys[entry.Summary.CaseId] = key;
    }

    private void Unindex(string caseId)
    {
        if (_openKeys.Remove(caseId, out var key))
        {
            _open.Remove(key);
        }
    }

    private CaseSummary Present(QueueEntry entry, DateTimeOffset now)
    {
        var claimed = entry.IsClaimedAt(now);
        return entry.Summary with
        {
            Status = claimed ? CaseStatus.Claimed : CaseStatus.Open,
            ClaimedBy = claimed ? entry.Summary.ClaimedBy : null,
            LeaseUntil = claimed ? entry.Summary.LeaseUntil : null,
            Priority = CasePriority.AtTime(entry.BasePriority, entry.Summary.CreatedAt, now, _options.AgingPointsPerHour),
        };
    }
}
