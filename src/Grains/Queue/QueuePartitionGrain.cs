using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Grains.Queue;

/// <summary>
/// One slice of the case queue. Grants claims one at a time (a grain turn is atomic), keeps open cases in claim
/// order, and returns lapsed claims to the open set — on a timer while active and on a reminder after a restart.
/// </summary>
public sealed class QueuePartitionGrain(
    [PersistentState("queue", ModerationSiloExtensions.StorageName)] IPersistentState<QueuePartitionState> state,
    ModerationClock clock,
    IOptions<ModerationOptions> options) : Grain, IQueuePartitionGrain, IRemindable
{
    private const string SweepReminder = "lease-sweep";

    private readonly ModerationOptions _options = options.Value;
    private readonly SortedSet<OpenCaseKey> _open = new(OpenCaseOrder.Instance);
    private readonly Dictionary<string, OpenCaseKey> _openKeys = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = clock.Now;
        foreach (var entry in state.State.Entries.Values)
        {
            Index(entry, now);
        }
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(_options.LeaseSweepInterval, _options.LeaseSweepInterval));
        // The reminder brings the partition back after a restart, so leases lapse on time even if nobody asks.
        await this.RegisterOrUpdateReminder(SweepReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), cancellationToken);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => SweepAsync(CancellationToken.None);

    public async Task UpsertAsync(CaseSummary summary, double basePriority)
    {
        var entry = new QueueEntry(summary, basePriority);
        state.State.Entries[summary.CaseId] = entry;
        Index(entry, clock.Now);
        await state.WriteStateAsync();
    }

    public async Task RemoveAsync(string caseId)
    {
        Unindex(caseId);
        if (state.State.Entries.Remove(caseId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<IReadOnlyList<CaseSummary>> PeekAsync(int count)
    {
        var now = clock.Now;
        await ReopenLapsedAsync(now);
        return _open.Take(count).Select(k => Present(state.State.Entries[k.CaseId], now)).ToList();
    }

    public async Task<bool> TryClaimAsync(string caseId, string agentId, DateTimeOffset leaseUntil)
    {
        var now = clock.Now;
        await ReopenLapsedAsync(now);
        if (!_openKeys.ContainsKey(caseId))
        {
            return false;
        }
        var entry = state.State.Entries[caseId];
        var claimed = entry with { Summary = entry.Summary with { Status = CaseStatus.Claimed, ClaimedBy = agentId, LeaseUntil = leaseUntil } };
        state.State.Entries[caseId] = claimed;
        Index(claimed, now);
        await state.WriteStateAsync();
        return true;
    }

    public Task<QueueOverview> GetOverviewAsync(int top)
    {
        var now = clock.Now;
        var entries = state.State.Entries.Values;
        var claimed = entries.Count(e => e.IsClaimedAt(now));
        var open = entries.Where(e => !e.IsClaimedAt(now)).ToList();
        var oldest = open.Count == 0 ? 0 : Math.Max(0, (now - open.Min(e => e.Summary.CreatedAt)).TotalSeconds);
        var items = entries
            .Select(e => Present(e, now))
            .OrderBy(s => s.Status == CaseStatus.Claimed)
            .ThenByDescending(s => s.Priority)
            .ThenBy(s => s.CreatedAt)
            .Take(top)
            .ToList();
        return Task.FromResult(new QueueOverview(open.Count, claimed, oldest, items));
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await ReopenLapsedAsync(clock.Now);
    }

    /// <summary>
    /// Puts cases whose lease ran out back in the open set and tells each case, without waiting: the case answers
    /// by upserting here, and waiting on it from inside this turn would deadlock the two grains.
    /// </summary>
    private async Task ReopenLapsedAsync(DateTimeOffset now)
    {
        var lapsed = state.State.Entries.Values
            .Where(e => e.Summary.Status == CaseStatus.Claimed && e.Summary.LeaseUntil <= now)
            .ToList();
        if (lapsed.Count == 0)
        {
            return;
        }
        foreach (var entry in lapsed)
        {
            var reopened = entry with { Summary = entry.Summary with { Status = CaseStatus.Open, ClaimedBy = null, LeaseUntil = null } };
            state.State.Entries[entry.Summary.CaseId] = reopened;
            Index(reopened, now);
            GrainFactory.GetGrain<ICaseGrain>(entry.Summary.CaseId).ExpireLeaseAsync().Ignore();
        }
        await state.WriteStateAsync();
    }

    private void Index(QueueEntry entry, DateTimeOffset now)
    {
        Unindex(entry.Summary.CaseId);
        if (entry.IsClaimedAt(now))
        {
            return;
        }
        var key = new OpenCaseKey(CasePriority.Rank(entry.BasePriority, entry.Summary.CreatedAt, _options.AgingPointsPerHour),
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
