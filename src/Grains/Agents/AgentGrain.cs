using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Audit;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Agents;

public sealed class AgentGrain(
    [PersistentState("agent", ModerationSiloExtensions.StorageName)] IPersistentState<AgentState> state,
    IAuditLog audit,
    ModerationClock clock,
    IOptions<ModerationOptions> options) : Grain, IAgentGrain
{
    /// <summary>
    /// Claim attempts (per partition) that insist on the claim order. An attempt is only refused because other agents
    /// took the case the agent was counting on, so after this many the agent takes the best case of the partition it
    /// believes best, whatever the others hold: under heavy contention a claim may then come a little out of order,
    /// but a full queue never answers "nothing to claim".
    /// </summary>
    private const int OrderedAttemptsPerPartition = 2;

    /// <summary>
    /// A bound on all attempts (per partition). Once order is given up, every attempt either grants a case or finds a
    /// partition empty; the slack covers cases whose index entry was behind the case (each such refusal mends one).
    /// </summary>
    private const int AttemptsPerPartition = 6;

    private readonly ModerationOptions _options = options.Value;

    /// <summary>
    /// Cases this agent holds, with the lease end the case granted; lapsed ones drop out by time alone. Not part of
    /// the agent's stored state: the cases and their queue entries already record who holds them durably, so the
    /// list is rebuilt from the queue partitions on activation, and claims, renewals, releases and decisions cost
    /// the agent no write of its own.
    /// </summary>
    private readonly Dictionary<string, DateTimeOffset> _heldCases = new(StringComparer.Ordinal);

    // Orleans decodes the key into a new string on every call, and most of this grain's calls ask for it.
    private string? _agentId;

    private string AgentId => _agentId ??= this.GetPrimaryKeyString();

    private AgentState S => state.State;

    private bool Exists => S.PasswordHash is not null;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Exists)
        {
            return;
        }
        var held = await Task.WhenAll(Enumerable.Range(0, _options.QueuePartitions)
            .Select(p => GrainFactory.Get<IQueuePartitionGrain>(p).GetHeldByAsync(AgentId)));
        foreach (var summary in held.SelectMany(cases => cases).Where(c => c.LeaseUntil is not null))
        {
            _heldCases[summary.CaseId] = summary.LeaseUntil!.Value;
        }
    }

    public async Task<AgentProfile> CreateAsync(AgentRegistration registration)
    {
        if (Exists)
        {
            throw ModerationException.Conflict($"Agent '{AgentId}' already exists.");
        }
        if (registration.Roles == AgentRoles.None)
        {
            throw ModerationException.Invalid("roles", "An agent needs at least one role: agent, senior or admin.");
        }
        S.Roles = registration.Roles;
        S.PasswordHash = registration.PasswordHash;
        S.CreatedAt = clock.Now;
        S.CreatedBy = registration.CreatedBy;
        await state.WriteStateAsync();
        await GrainFactory.Get<IAgentDirectoryGrain>(GrainKeys.AgentDirectory).RegisterAsync(AgentId);
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.AgentCreated, registration.CreatedBy, S.CreatedAt, agentId: AgentId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Roles] = S.Roles.ToString() }));
        return Profile();
    }

    public async Task<AgentProfile> UpdateAsync(AgentRoles? roles, bool? disabled, string? passwordHash, string changedBy)
    {
        RequireExists();
        if (roles == AgentRoles.None)
        {
            throw ModerationException.Invalid("roles", "An agent needs at least one role: agent, senior or admin.");
        }
        S.Roles = roles ?? S.Roles;
        S.Disabled = disabled ?? S.Disabled;
        S.PasswordHash = passwordHash ?? S.PasswordHash;
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.AgentChanged, changedBy, clock.Now, agentId: AgentId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Roles] = S.Roles.ToString(), ["disabled"] = S.Disabled.ToString() }));
        return Profile();
    }

    public Task<AgentCredentials?> GetCredentialsAsync() =>
        Task.FromResult(Exists ? new AgentCredentials(AgentId, S.Roles, S.PasswordHash!, S.Disabled) : null);

    public Task<AgentProfile?> GetProfileAsync() => Task.FromResult(Exists ? Profile() : null);

    public async Task<CaseDetail?> ClaimNextCaseAsync()
    {
        RequireRole(AgentRoles.Agent);
        var now = clock.Now;
        ForgetLapsed(_heldCases, now);
        if (_heldCases.Count >= _options.MaxClaimsPerAgent)
        {
            throw ModerationException.Conflict($"You already hold {_heldCases.Count} cases; decide or release one first (at most {_options.MaxClaimsPerAgent}).");
        }
        var leaseUntil = now + _options.LeaseDuration;
        var heads = await PeekHeadsAsync();
        var orderedAttempts = OrderedAttemptsPerPartition * _options.QueuePartitions;
        for (var attempt = 0; heads.Count > 0 && attempt < AttemptsPerPartition * _options.QueuePartitions; attempt++)
        {
            var (best, runnerUp) = BestTwo(heads);
            var queue = GrainFactory.Get<IQueuePartitionGrain>(best);
            var answer = await queue.ClaimHeadAsync(AgentId, leaseUntil, attempt < orderedAttempts ? runnerUp : null);
            if (answer.Granted is not { } granted)
            {
                RecordHead(heads, best, answer.Head);
                continue;
            }
            try
            {
                var detail = await GrainFactory.Get<ICaseGrain>(granted.CaseId).ClaimAsync(AgentId);
                _heldCases[granted.CaseId] = detail.LeaseUntil ?? leaseUntil;
                return detail;
            }
            catch (ModerationException e) when (e.Error == ModerationError.Conflict)
            {
                // The index was behind the case (decided, or held elsewhere); the case has corrected it.
                RecordHead(heads, best, await queue.PeekHeadAsync());
            }
        }
        return null;
    }

    /// <summary>Every partition's head, asked once per claim; later answers keep the view fresh one partition at a time.</summary>
    private async Task<Dictionary<int, QueueHead>> PeekHeadsAsync()
    {
        var heads = await Task.WhenAll(Enumerable.Range(0, _options.QueuePartitions)
            .Select(p => GrainFactory.Get<IQueuePartitionGrain>(p).PeekHeadAsync()));
        var seen = new Dictionary<int, QueueHead>(heads.Length);
        for (var partition = 0; partition < heads.Length; partition++)
        {
            RecordHead(seen, partition, heads[partition]);
        }
        return seen;
    }

    private static void RecordHead(Dictionary<int, QueueHead> heads, int partition, QueueHead? head)
    {
        if (head is { } known)
        {
            heads[partition] = known;
        }
        else
        {
            heads.Remove(partition);
        }
    }

    /// <summary>The partition whose head comes first, and the head that comes second (null when it is alone).</summary>
    private static (int Best, QueueHead? RunnerUp) BestTwo(Dictionary<int, QueueHead> heads)
    {
        var best = -1;
        QueueHead? first = null, second = null;
        foreach (var (partition, head) in heads)
        {
            if (first is null || head < first.Value)
            {
                (second, first, best) = (first, head, partition);
            }
            else if (second is null || head < second.Value)
            {
                second = head;
            }
        }
        return (best, second);
    }

    public async Task<DateTimeOffset> RenewCaseAsync(string caseId)
    {
        RequireRole(AgentRoles.Agent);
        var leaseUntil = await GrainFactory.Get<ICaseGrain>(caseId).RenewAsync(AgentId);
        _heldCases[caseId] = leaseUntil;
        return leaseUntil;
    }

    public async Task ReleaseCaseAsync(string caseId)
    {
        RequireRole(AgentRoles.Agent);
        await GrainFactory.Get<ICaseGrain>(caseId).ReleaseAsync(AgentId);
        _heldCases.Remove(caseId);
    }

    public async Task<DecisionView> DecideCaseAsync(string caseId, DecisionRequest decision)
    {
        RequireRole(AgentRoles.Agent);
        var result = await GrainFactory.Get<ICaseGrain>(caseId).DecideAsync(AgentId, decision);
        _heldCases.Remove(caseId);
        return result;
    }

    public async Task<AppealDetail?> ClaimNextAppealAsync()
    {
        RequireRole(AgentRoles.Senior);
        var now = clock.Now;
        var ticket = await Appeals.TryClaimNextAsync(AgentId, now + _options.LeaseDuration);
        if (ticket is null)
        {
            return null;
        }
        await GrainFactory.Get<IUserGrain>(ticket.UserId).MarkAppealInReviewAsync(ticket.AppealId, inReview: true);
        ForgetLapsed(S.Appeals, now);
        S.Appeals[ticket.AppealId] = ticket.LeaseUntil!.Value;
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.AppealClaimed, AgentId, now, userId: ticket.UserId, agentId: AgentId, appealId: ticket.AppealId));
        return await AppealDetailAsync(ticket);
    }

    public async Task<AppealDetail> GetHeldAppealAsync(string appealId)
    {
        RequireRole(AgentRoles.Senior);
        return await AppealDetailAsync(await Appeals.GetClaimedAsync(appealId, AgentId));
    }

    public async Task ReleaseAppealAsync(string appealId)
    {
        RequireRole(AgentRoles.Senior);
        var ticket = await Appeals.GetClaimedAsync(appealId, AgentId);
        await Appeals.ReleaseAsync(appealId, AgentId);
        await GrainFactory.Get<IUserGrain>(ticket.UserId).MarkAppealInReviewAsync(appealId, inReview: false);
        S.Appeals.Remove(appealId);
        await state.WriteStateAsync();
    }

    public async Task<AppealDetail> DecideAppealAsync(string appealId, AppealDecisionRequest decision)
    {
        RequireRole(AgentRoles.Senior);
        if (!ChatText.IsValid(decision.Response))
        {
            throw ModerationException.Invalid("response", "A response to the user is 1–2000 characters without control characters.");
        }
        var ticket = await Appeals.GetClaimedAsync(appealId, AgentId);
        var user = GrainFactory.Get<IUserGrain>(ticket.UserId);
        await user.ResolveAppealAsync(appealId, decision, AgentId);
        var record = await user.GetAppealRecordAsync(appealId);
        if (decision.Outcome == AppealOutcome.Overturned)
        {
            await GrainFactory.Get<ICaseGrain>(record.Sanction.CaseId).ApplyOverturnAsync(appealId);
        }
        await Appeals.CompleteAsync(appealId);
        S.Appeals.Remove(appealId);
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.AppealDecided, AgentId, clock.Now,
            entryId: $"audit_appeal_decided_{appealId}", caseId: record.Sanction.CaseId, userId: ticket.UserId, agentId: AgentId, appealId: appealId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Outcome] = WireNames.ToWire(decision.Outcome) }));
        return await AppealDetailAsync(ticket with { ClaimedBy = null, LeaseUntil = null });
    }

    private async Task<AppealDetail> AppealDetailAsync(AppealTicket ticket)
    {
        var record = await GrainFactory.Get<IUserGrain>(ticket.UserId).GetAppealRecordAsync(ticket.AppealId);
        var originalCase = await GrainFactory.Get<ICaseGrain>(record.Sanction.CaseId).GetDetailAsync();
        return new AppealDetail(record.AppealId, record.UserId, record.Text, record.Status, record.Sanction, originalCase,
            record.FiledAt, ticket.ClaimedBy, ticket.LeaseUntil, record.Response, record.ReviewedBy, record.DecidedAt);
    }

    private IAppealQueueGrain Appeals => GrainFactory.Get<IAppealQueueGrain>(GrainKeys.AppealQueue);

    private AgentProfile Profile() =>
        new(AgentId, S.Roles, S.Disabled, _heldCases.Where(c => c.Value > clock.Now).Select(c => c.Key).ToList(),
            S.Appeals.Where(a => a.Value > clock.Now).Select(a => a.Key).ToList(), S.CreatedAt);

    private static void ForgetLapsed(Dictionary<string, DateTimeOffset> held, DateTimeOffset now)
    {
        foreach (var lapsed in held.Where(h => h.Value <= now).Select(h => h.Key).ToList())
        {
            held.Remove(lapsed);
        }
    }

    private void RequireExists()
    {
        if (!Exists)
        {
            throw ModerationException.NotFound($"No agent '{AgentId}'.");
        }
    }

    /// <summary>Roles are cumulative: a senior is also an agent, an admin is also a senior.</summary>
    private void RequireRole(AgentRoles needed)
    {
        RequireExists();
        if (S.Disabled || !AgentRoleRules.Grants(S.Roles, needed))
        {
            throw ModerationException.Forbidden($"This needs the {needed.ToString().ToLowerInvariant()} role.");
        }
    }
}
