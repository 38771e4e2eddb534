using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Audit;
using OrleansSafety.Grains.Queue;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Cases;

public sealed class CaseGrain(
    [PersistentState("case", ModerationSiloExtensions.StorageName)] IPersistentState<CaseState> state,
    IAuditLog audit,
    ModerationClock clock,
    ModerationMetrics metrics,
    IOptions<ModerationOptions> options) : Grain, ICaseGrain, IRemindable
{
    private const int MaxSanctionMinutes = 525_600;
    private const int MaxNote = 2000;
    private const string EffectsReminder = "decision-effects";

    private readonly ModerationOptions _options = options.Value;

    /// <summary>The priority without age, computed from the flags when first asked for (null: not yet, or a flag joined since).</summary>
    private double? _basePriority;

    /// <summary>
    /// The decision's effects are applied but "done" is not yet stored. Storing it is deferred to deactivation: it
    /// would be the third write of the case's state per claim and decision, and the effects are idempotent, so a
    /// crash before it only means the next activation applies them once more (finding everything already done).
    /// </summary>
    private bool _effectsDoneNotStored;

    // Orleans decodes the key into a new string on every call, and most of this grain's calls ask for it.
    private string? _caseId;

    private string CaseId => _caseId ??= this.GetPrimaryKeyString();

    private CaseState S => state.State;

    private bool Exists => S.Target is not null;

    private IQueuePartitionGrain Partition => GrainFactory.Get<IQueuePartitionGrain>(S.Partition);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.EffectsPending)
        {
            await ApplyDecisionEffectsAsync(storeDone: true);
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_effectsDoneNotStored)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task<FlagReceipt> AddFlagAsync(CaseFlag flag)
    {
        var known = S.Flags.Any(f => f.FlagId == flag.FlagId);
        if (known && S.Status == CaseStatus.Resolved)
        {
            return ReceiptOf(flag.FlagId)!; // a retry of a flag this case already has and decided: never a second case
        }
        if (S.Status == CaseStatus.Resolved)
        {
            throw ModerationException.Conflict("This case is resolved; a new flag opens a new case.");
        }
        var opening = !Exists;
        if (!known)
        {
            if (opening)
            {
                S.Target = flag.Target;
                S.AccusedUserId = flag.AccusedUserId;
                S.Evidence = flag.Evidence;
                S.CreatedAt = flag.FiledAt;
                S.Status = CaseStatus.Open;
                S.Partition = QueuePartitioning.PartitionOf(CaseId, _options.QueuePartitions);
            }
            S.Flags.Add(new CaseFlagRecord(flag.FlagId, flag.ReporterId, AliasFor(flag.ReporterId), flag.Reason, flag.Comment, flag.ReporterAccuracy, flag.FiledAt));
            _basePriority = null;
            await WriteStateAsync();
            if (opening)
            {
                metrics.CaseOpened();
            }
        }

        // Everything below runs again when a flag is retried (its first attempt may have died after the write
        // above); each step is idempotent, so a retry completes what the first attempt left undone. The steps are
        // independent of each other, so they run together: the flag waits for the slowest write, not for their sum.
        var queued = SyncQueueAsync(clock.Now);
        var recordedOnAccused = S.Flags[0].FlagId == flag.FlagId
            ? GrainFactory.Get<IUserGrain>(S.AccusedUserId)
                .RecordCaseOpenedAsync(new CaseHistoryEntry(CaseId, S.Target!.Type, flag.Reason, S.CreatedAt, null, null))
            : Task.CompletedTask;
        var audited = audit.AppendAsync(AuditTrail.Entry(AuditActions.FlagReceived, AuditTrail.Reporter, flag.FiledAt,
            entryId: $"audit_flag_{flag.FlagId}", caseId: CaseId, userId: S.AccusedUserId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Reason] = WireNames.ToWire(flag.Reason) }));
        await Task.WhenAll(queued, recordedOnAccused, audited);
        return ReceiptOf(flag.FlagId)!;
    }

    public async Task<CaseDetail> GetDetailAsync()
    {
        RequireExists();
        SanctionSpec? suggestion = null;
        if (S.Status != CaseStatus.Resolved)
        {
            var standing = await GrainFactory.Get<IUserGrain>(S.AccusedUserId).GetStandingAsync();
            suggestion = _options.SanctionForStrikes(standing.Strikes + 1);
        }
        return Detail(clock.Now, suggestion);
    }

    public Task<CaseSummary> GetSummaryAsync()
    {
        RequireExists();
        return Task.FromResult(Summary(clock.Now));
    }

    public Task<FlagReceipt?> GetFlagReceiptAsync(string flagId) => Task.FromResult(ReceiptOf(flagId));

    /// <summary>A flag's status derived from the case; null when the case does not have the flag.</summary>
    private FlagReceipt? ReceiptOf(string flagId)
    {
        if (S.Flags.Find(f => f.FlagId == flagId) is not { } flag)
        {
            return null;
        }
        return S.Decision switch
        {
            { Overturned: true } decision => new FlagReceipt(flagId, FlagStatus.NoViolation, S.OverturnedAt ?? decision.DecidedAt),
            { Outcome: CaseOutcome.Violation } decision => new FlagReceipt(flagId, FlagStatus.ActionTaken, decision.DecidedAt),
            { } decision => new FlagReceipt(flagId, FlagStatus.NoViolation, decision.DecidedAt),
            null when S.EverClaimed => new FlagReceipt(flagId, FlagStatus.InReview, Later(S.FirstClaimedAt ?? flag.FiledAt, flag.FiledAt)),
            null => new FlagReceipt(flagId, FlagStatus.Received, flag.FiledAt),
        };

        static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }

    public async Task<CaseDetail> ClaimAsync(string agentId)
    {
        RequireExists();
        if (S.Status == CaseStatus.Resolved)
        {
            await Partition.RemoveAsync(CaseId);
            throw ModerationException.Conflict("This case is already resolved.");
        }
        var now = clock.Now;
        await EndLapsedLeaseAsync(now);
        if (S.Status == CaseStatus.Claimed && S.ClaimedBy != agentId)
        {
            throw ModerationException.Conflict("Another agent holds this case.");
        }
        S.FirstClaimedAt ??= now;
        S.Status = CaseStatus.Claimed;
        S.ClaimedBy = agentId;
        S.LeaseUntil = now + _options.LeaseDuration;
        S.EverClaimed = true;
        await WriteStateAsync();
        // The claim is durable; the queue entry, the audit entry and the accused's standing (for the suggested
        // sanction) do not depend on each other, so the agent waits for the slowest of them only.
        var queued = SyncQueueAsync(now);
        var audited = audit.AppendAsync(AuditTrail.Entry(AuditActions.CaseClaimed, agentId, now, caseId: CaseId, userId: S.AccusedUserId, agentId: agentId));
        var detail = GetDetailAsync();
        await Task.WhenAll(queued, audited, detail);
        return await detail;
    }

    public async Task<DateTimeOffset> RenewAsync(string agentId)
    {
        var now = clock.Now;
        await RequireHeldByAsync(agentId, now);
        S.LeaseUntil = now + _options.LeaseDuration;
        await WriteStateAsync();
        await SyncQueueAsync(now);
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.LeaseRenewed, agentId, now, caseId: CaseId, agentId: agentId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Until] = S.LeaseUntil.Value.ToString("O") }));
        return S.LeaseUntil.Value;
    }

    public async Task ReleaseAsync(string agentId)
    {
        var now = clock.Now;
        await RequireHeldByAsync(agentId, now);
        S.Status = CaseStatus.Open;
        S.ClaimedBy = null;
        S.LeaseUntil = null;
        await WriteStateAsync();
        await SyncQueueAsync(now);
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.CaseReleased, agentId, now, caseId: CaseId, agentId: agentId));
    }

    public async Task ExpireLeaseAsync()
    {
        if (Exists && await EndLapsedLeaseAsync(clock.Now))
        {
            await SyncQueueAsync(clock.Now);
        }
    }

    public async Task<DecisionView> DecideAsync(string agentId, DecisionRequest decision)
    {
        RequireExists();
        if (S.Status == CaseStatus.Resolved && S.Decision?.DecidedBy == agentId && !S.Decision.Overturned)
        {
            // The deciding agent retrying (e.g. after a timeout): answer with the decision, finishing its effects.
            if (S.EffectsPending)
            {
                await ApplyDecisionEffectsAsync(storeDone: true);
            }
            return S.Decision;
        }
        if (S.Status == CaseStatus.Resolved)
        {
            throw ModerationException.Conflict("This case is already decided.");
        }
        var now = clock.Now;
        await RequireHeldByAsync(agentId, now);
        ValidateDecision(decision);

        S.Status = CaseStatus.Resolved;
        S.ClaimedBy = null;
        S.LeaseUntil = null;
        S.Decision = new DecisionView(CaseId, decision.Outcome, decision.Reason ?? WorstReason(), agentId, now,
            null, string.IsNullOrWhiteSpace(decision.Note) ? null : decision.Note);
        S.EffectsPending = true;
        S.PendingSanction = decision.Outcome == CaseOutcome.Violation ? decision.Sanction : null;
        await WriteStateAsync();
        // From here the decision is durable. If its effects cannot all be applied now (a grain on a dead silo,
        // storage down), a reminder keeps retrying them, and the agent's own retry also finishes them. If this
        // silo dies before either, the case's queue entry (still claimed) lapses back within a lease and the case,
        // reactivated to hear it, finishes them. Registering the reminder only on failure spares every decision
        // a reminder write and delete.
        try
        {
            await ApplyDecisionEffectsAsync(storeDone: false);
        }
        catch (Exception)
        {
            await this.RegisterOrUpdateReminder(EffectsReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            throw;
        }
        return S.Decision;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (S.EffectsPending)
        {
            await ApplyDecisionEffectsAsync(storeDone: true);
        }
        if (!S.EffectsPending && await this.GetReminder(EffectsReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <param name="storeDone">
    /// Whether to store "effects done" now; the decision itself defers it (see <see cref="_effectsDoneNotStored"/>).
    /// </param>
    private async Task ApplyDecisionEffectsAsync(bool storeDone)
    {
        var decision = S.Decision!;
        var violation = decision.Outcome == CaseOutcome.Violation;
        var verdict = new CaseVerdict(CaseId, decision.Outcome, decision.Reason, S.PendingSanction, decision.DecidedBy,
            decision.DecidedAt, S.Target!.Type, AccusedContent());
        var sanction = await GrainFactory.Get<IUserGrain>(S.AccusedUserId).ApplyVerdictAsync(verdict);
        S.Decision = decision with { Sanction = sanction };

        // The reporters' outcomes, the queue entry and the audit entry are independent of each other: all at once.
        var reportersTold = S.Flags.Select(flag =>
            GrainFactory.Get<IUserGrain>(flag.ReporterId).RecordReportOutcomeAsync(flag.FlagId, violation)).ToList();
        var dequeued = Partition.RemoveAsync(CaseId);
        var audited = audit.AppendAsync(AuditTrail.Entry(AuditActions.CaseDecided, decision.DecidedBy, decision.DecidedAt,
            entryId: $"audit_decided_{CaseId}", caseId: CaseId, userId: S.AccusedUserId, agentId: decision.DecidedBy,
            details: new Dictionary<string, string>
            {
                [AuditDetailKeys.Outcome] = WireNames.ToWire(decision.Outcome),
                [AuditDetailKeys.Reason] = WireNames.ToWire(decision.Reason),
                [AuditDetailKeys.Sanction] = sanction is null ? "none" : WireNames.ToWire(sanction.Kind),
                [AuditDetailKeys.SecondsToDecision] = AuditTrail.Seconds(decision.DecidedAt - S.CreatedAt),
            }));
        await Task.WhenAll(reportersTold.Append(dequeued).Append(audited));
        metrics.CaseDecided(decision.Outcome);
        S.EffectsPending = false;
        S.PendingSanction = null;
        if (storeDone)
        {
            await WriteStateAsync();
        }
        else
        {
            _effectsDoneNotStored = true;
        }
        // A reminder registered after an earlier failure removes itself at its next tick (ReceiveReminder).
    }

    /// <summary>Every write stores the whole state, "effects done" included.</summary>
    private async Task WriteStateAsync()
    {
        await state.WriteStateAsync();
        _effectsDoneNotStored = false;
    }

    public async Task<IReadOnlyList<RevealedReporter>> RevealReportersAsync(string adminId, string why)
    {
        RequireExists();
        if (string.IsNullOrWhiteSpace(why) || why.Length > MaxNote)
        {
            throw ModerationException.Invalid("why", "Revealing reporters needs a reason (1–2000 characters); it is audited.");
        }
        var admin = await GrainFactory.Get<IAgentGrain>(adminId).GetProfileAsync();
        if (admin is null || admin.Disabled || !admin.Roles.HasFlag(AgentRoles.Admin))
        {
            throw ModerationException.Forbidden("Only an admin can reveal reporters.");
        }
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.ReportersRevealed, adminId, clock.Now, caseId: CaseId, agentId: adminId,
            details: new Dictionary<string, string> { [AuditDetailKeys.Why] = why }));
        return S.Flags.Select(f => new RevealedReporter(f.Alias, f.ReporterId, f.FlagId)).ToList();
    }

    public async Task ApplyOverturnAsync(string appealId)
    {
        RequireExists();
        if (S.OverturnedByAppeal == appealId || S.Decision is null)
        {
            return;
        }
        S.OverturnedByAppeal = appealId;
        S.OverturnedAt = clock.Now;
        S.Decision = S.Decision with { Overturned = true };
        await WriteStateAsync();
        await Task.WhenAll(S.Flags.Select(flag =>
            GrainFactory.Get<IUserGrain>(flag.ReporterId).RecordReportOutcomeAsync(flag.FlagId, upheld: false)));
    }

    /// <summary>Returns a claim whose lease ran out to the queue, audited once. True when it changed anything.</summary>
    private async Task<bool> EndLapsedLeaseAsync(DateTimeOffset now)
    {
        if (S.Status != CaseStatus.Claimed || S.LeaseUntil > now)
        {
            return false;
        }
        var lapsedAgent = S.ClaimedBy!;
        var lapsedAt = S.LeaseUntil!.Value;
        S.Status = CaseStatus.Open;
        S.ClaimedBy = null;
        S.LeaseUntil = null;
        await WriteStateAsync();
        metrics.LeaseLapsed();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.LeaseLapsed, AuditTrail.System, lapsedAt,
            entryId: $"audit_lapse_{CaseId}_{lapsedAt.UtcTicks}", caseId: CaseId, agentId: lapsedAgent));
        return true;
    }

    private async Task RequireHeldByAsync(string agentId, DateTimeOffset now)
    {
        RequireExists();
        if (await EndLapsedLeaseAsync(now))
        {
            await SyncQueueAsync(now);
        }
        if (S.Status != CaseStatus.Claimed || S.ClaimedBy != agentId)
        {
            throw ModerationException.Conflict(S.Status == CaseStatus.Resolved
                ? "This case is already decided."
                : "You do not hold this case (it is unclaimed, held by another agent, or your lease ran out).");
        }
    }

    private static void ValidateDecision(DecisionRequest decision)
    {
        if (decision.Note is { Length: > MaxNote })
        {
            throw ModerationException.Invalid("note", "A note is at most 2000 characters.");
        }
        if (decision.Sanction is not { } sanction)
        {
            return;
        }
        if (decision.Outcome == CaseOutcome.NoViolation)
        {
            throw ModerationException.Invalid("sanction", "A no_violation decision carries no sanction.");
        }
        var timed = sanction.Kind is SanctionKind.Mute or SanctionKind.Suspension;
        if (timed && sanction.DurationMinutes is not (>= 1 and <= MaxSanctionMinutes))
        {
            throw ModerationException.Invalid("sanction.durationMinutes", $"A {WireNames.ToWire(sanction.Kind)} needs durationMinutes from 1 to {MaxSanctionMinutes}.");
        }
        if (!timed && sanction.DurationMinutes is not null)
        {
            throw ModerationException.Invalid("sanction.durationMinutes", $"A {WireNames.ToWire(sanction.Kind)} has no duration.");
        }
    }

    private Task SyncQueueAsync(DateTimeOffset now) =>
        S.Status == CaseStatus.Resolved ? Partition.RemoveAsync(CaseId) : Partition.UpsertAsync(Summary(now), BasePriority());

    /// <summary>Changes only when a flag joins, and is asked on every queue upsert and summary: kept until then.</summary>
    private double BasePriority() =>
        _basePriority ??= CasePriority.Base(WorstReason(), S.Flags.GroupBy(f => f.ReporterId).Select(g => g.First().Accuracy.Score));

    private FlagReason WorstReason() => S.Flags.Max(f => f.Reason);

    private string AliasFor(string reporterId)
    {
        var known = S.Flags.FirstOrDefault(f => f.ReporterId == reporterId);
        if (known is not null)
        {
            return known.Alias;
        }
        var index = S.Flags.Select(f => f.ReporterId).Distinct().Count();
        return index < 26 ? $"Reporter {(char)('A' + index)}" : $"Reporter {index + 1}";
    }

    /// <summary>What the accused is told they did: their own flagged words or content, never others' messages.</summary>
    private FlagContent? AccusedContent()
    {
        if (S.Evidence?.Content is { } content)
        {
            return content;
        }
        var own = (S.Evidence?.Messages ?? [])
            .Where(m => m.UserId == S.AccusedUserId && (S.Evidence!.FlaggedSeq is null || m.Seq == S.Evidence.FlaggedSeq))
            .TakeLast(5)
            .Select(m => m.Text)
            .ToList();
        return own.Count == 0 ? null : new FlagContent(string.Join('\n', own), null);
    }

    private CaseStatus EffectiveStatus(DateTimeOffset now) =>
        S.Status == CaseStatus.Claimed && S.LeaseUntil <= now ? CaseStatus.Open : S.Status;

    private CaseSummary Summary(DateTimeOffset now)
    {
        var status = EffectiveStatus(now);
        var claimed = status == CaseStatus.Claimed;
        return new CaseSummary(CaseId, status, S.Target!.Type, S.AccusedUserId, WorstReason(),
            S.Flags.Select(f => f.ReporterId).Distinct().Count(),
            CasePriority.AtTime(BasePriority(), S.CreatedAt, now, _options.AgingPointsPerHour),
            S.CreatedAt, claimed ? S.ClaimedBy : null, claimed ? S.LeaseUntil : null);
    }

    private CaseDetail Detail(DateTimeOffset now, SanctionSpec? suggestion)
    {
        var summary = Summary(now);
        return new CaseDetail(CaseId, summary.Status, S.Target!, S.AccusedUserId,
            S.Flags.Select(f => f.Reason).Distinct().OrderByDescending(r => r).ToList(),
            S.Flags.Select(f => new ReporterView(f.Alias, f.Reason, f.Comment, f.Accuracy, f.FiledAt)).ToList(),
            EvidenceForAgents(), summary.Priority, S.CreatedAt, summary.ClaimedBy, summary.LeaseUntil, S.Decision, suggestion);
    }

    /// <summary>
    /// The evidence with reporters' own chat lines shown under their case alias, so the conversation does not give
    /// away who flagged it. The hash still covers the original, which an admin can verify after a reveal.
    /// </summary>
    private Evidence EvidenceForAgents()
    {
        var evidence = S.Evidence!;
        if (evidence.Messages is null)
        {
            return evidence;
        }
        var aliases = S.Flags.GroupBy(f => f.ReporterId).ToDictionary(g => g.Key, g => g.First().Alias, StringComparer.Ordinal);
        return evidence with
        {
            Messages = evidence.Messages.Select(m => aliases.TryGetValue(m.UserId, out var alias) ? m with { UserId = alias } : m).ToList(),
        };
    }

    private void RequireExists()
    {
        if (!Exists)
        {
            throw ModerationException.NotFound("No case with that id.");
        }
    }
}
