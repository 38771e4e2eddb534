namespace OrleansSafety.Grains.Appeals;

[GenerateSerializer, Alias("appeal-queue-state")]
public sealed class AppealQueueState
{
    [Id(0)] public Dictionary<string, AppealTicket> Tickets { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Pending appeals in filing order. Appeals are few (one per sanction at most), so one grain is enough and keeps
/// "oldest first, never to the agent who made the original decision" a simple scan.
/// </summary>
public sealed class AppealQueueGrain(
    [PersistentState("appeals", ModerationSiloExtensions.StorageName)] IPersistentState<AppealQueueState> state,
    ModerationClock clock) : Grain, IAppealQueueGrain
{
    private Dictionary<string, AppealTicket> Tickets => state.State.Tickets;

    public async Task EnqueueAsync(AppealTicket ticket)
    {
        if (Tickets.TryAdd(ticket.AppealId, ticket))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<AppealTicket?> TryClaimNextAsync(string agentId, DateTimeOffset leaseUntil)
    {
        var now = clock.Now;
        var next = Tickets.Values
            .Where(t => t.OriginalDeciderId != agentId && (t.ClaimedBy is null || t.LeaseUntil <= now))
            .OrderBy(t => t.FiledAt)
            .FirstOrDefault();
        if (next is null)
        {
            return null;
        }
        var claimed = next with { ClaimedBy = agentId, LeaseUntil = leaseUntil };
        Tickets[next.AppealId] = claimed;
        await state.WriteStateAsync();
        return claimed;
    }

    public Task<AppealTicket> GetClaimedAsync(string appealId, string agentId)
    {
        if (!Tickets.TryGetValue(appealId, out var ticket))
        {
            throw ModerationException.Conflict("This appeal is not waiting for a decision.");
        }
        if (ticket.ClaimedBy != agentId || ticket.LeaseUntil <= clock.Now)
        {
            throw ModerationException.Conflict("You do not hold this appeal (claim it first, or your lease ran out).");
        }
        return Task.FromResult(ticket);
    }

    public async Task CompleteAsync(string appealId)
    {
        if (Tickets.Remove(appealId))
        {
            await state.WriteStateAsync();
        }
    }

    public async Task ReleaseAsync(string appealId, string agentId)
    {
        var ticket = await GetClaimedAsync(appealId, agentId);
        Tickets[appealId] = ticket with { ClaimedBy = null, LeaseUntil = null };
        await state.WriteStateAsync();
    }

    public Task<int> CountPendingAsync() => Task.FromResult(Tickets.Count);
}
