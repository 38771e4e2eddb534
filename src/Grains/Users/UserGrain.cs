using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansSafety.Grains.Audit;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains.Users;

public sealed class UserGrain(
    [PersistentState("user", ModerationSiloExtensions.StorageName)] IPersistentState<UserState> state,
    IUserRecordStore records,
    IAuditLog audit,
    ModerationClock clock,
    ModerationMetrics metrics,
    IOptions<ModerationOptions> options) : Grain, IUserGrain
{
    /// <summary>How many of the newest notices the notices endpoint shows; older ones stay stored.</summary>
    private const int NoticesShown = 500;
    private const int MaxCases = 500;
    private const int MaxBoots = 200;

    private readonly ModerationOptions _options = options.Value;

    /// <summary>
    /// Rooms that cached this user's chat restriction, with when they asked. Only rooms that asked within the
    /// cache TTL can hold a live copy, so older ones are forgotten; a sanction change is pushed to the rest.
    /// </summary>
    private readonly Dictionary<string, DateTimeOffset> _cachingRooms = new(StringComparer.Ordinal);

    /// <summary>This user's decided reports (flag id → upheld), read from the record store when first needed.</summary>
    private Task<Dictionary<string, bool>>? _reportOutcomes;

    // Orleans decodes the key into a new string on every call, and most of this grain's calls ask for it.
    private string? _userId;

    private string UserId => _userId ??= this.GetPrimaryKeyString();

    private UserState S => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Notices.Count > 0 || S.ReportOutcomes.Count > 0)
        {
            await MoveRecordsOutOfStateAsync();
        }
        foreach (var appeal in S.Appeals.Where(a => !a.Queued && a.Status == AppealStatus.Pending))
        {
            await QueueAppealAsync(appeal);
        }
    }

    public Task<Standing> GetStandingAsync() => Task.FromResult(Standing(clock.Now));

    public Task<IReadOnlyList<Notice>> GetNoticesAsync() => records.ReadNoticesAsync(UserId, NoticesShown);

    public async Task<UserHistory> GetHistoryAsync()
    {
        var accuracy = await AccuracyAsync();
        var now = clock.Now;
        return new UserHistory(
            UserId,
            Standing(now),
            S.Sanctions.Select(View).ToList(),
            S.Cases.AsEnumerable().Reverse().ToList(),
            S.Boots.AsEnumerable().Reverse().ToList(),
            S.Appeals.Select(View).ToList(),
            accuracy);
    }

    public Task<ReporterAccuracy> GetReporterAccuracyAsync() => AccuracyAsync();

    public Task<ChatRestriction> GetChatRestrictionAsync(string roomId)
    {
        var now = clock.Now;
        ForgetRoomsPastTtl(now);
        _cachingRooms[roomId] = now;
        return Task.FromResult(Restriction(now));
    }

    public async Task RecordCaseOpenedAsync(CaseHistoryEntry entry)
    {
        if (S.Cases.Any(c => c.CaseId == entry.CaseId))
        {
            return;
        }
        S.Cases.Add(entry);
        TrimFront(S.Cases, MaxCases);
        await state.WriteStateAsync();
    }

    public async Task<SanctionView?> ApplyVerdictAsync(CaseVerdict verdict)
    {
        var index = S.Cases.FindIndex(c => c.CaseId == verdict.CaseId);
        if (index >= 0 && S.Cases[index].Outcome is not null)
        {
            // Already applied (a retried decision effect): answer as the first time.
            var earlier = S.Sanctions.FirstOrDefault(s => s.CaseId == verdict.CaseId);
            return earlier is null ? null : View(earlier);
        }
        var decided = new CaseHistoryEntry(verdict.CaseId, verdict.TargetType, verdict.Reason,
            index >= 0 ? S.Cases[index].OpenedAt : verdict.DecidedAt, verdict.Outcome, verdict.DecidedAt);
        if (index >= 0)
        {
            S.Cases[index] = decided;
        }
        else
        {
            S.Cases.Add(decided);
            TrimFront(S.Cases, MaxCases);
        }

        if (verdict.Outcome == CaseOutcome.NoViolation)
        {
            await state.WriteStateAsync();
            return null;
        }

        var now = clock.Now;
        S.Strikes.Add(new StrikeRecord { CaseId = verdict.CaseId, At = now });
        var spec = verdict.ExplicitSanction ?? _options.SanctionForStrikes(StrikesInWindow(now));
        var sanction = new SanctionRecord
        {
            SanctionId = Identifiers.NewId("sanction"),
            Kind = spec.Kind,
            Reason = verdict.Reason,
            CaseId = verdict.CaseId,
            StartsAt = now,
            EndsAt = spec.Kind is SanctionKind.Mute or SanctionKind.Suspension && spec.DurationMinutes is { } minutes ? now.AddMinutes(minutes) : null,
            DecidedBy = verdict.DecidedBy,
        };
        S.Sanctions.Add(sanction);
        // The notice first: if the state write then fails, the retried decision writes a new sanction and its notice
        // replaces this one (same id); the other order could leave a stored sanction without its notice.
        await WriteNoticeAsync($"sanction:{verdict.CaseId}", NoticeKinds.Sanction, SanctionSummary(sanction, verdict.TargetType),
            verdict.Reason, View(sanction), verdict.AccusedContent);
        await state.WriteStateAsync();
        metrics.SanctionApplied(sanction.Kind);
        await PushRestrictionAsync();
        return View(sanction);
    }

    public async Task RecordReportOutcomeAsync(string flagId, bool upheld)
    {
        var outcomes = await ReportOutcomesAsync();
        var known = outcomes.TryGetValue(flagId, out var earlier);
        if (known && earlier == upheld)
        {
            return;
        }
        // Reporters learn the outcome, never the sanction (SPEC §2, notices); a corrected outcome sends no second notice.
        var notice = known ? null : NewNotice($"report:{flagId}", NoticeKinds.ReportOutcome, upheld
            ? "Thank you for your report. We reviewed it and took action under our Terms of Service."
            : "Thank you for your report. We reviewed it and found no violation of our Terms of Service.");
        await records.WriteAsync(UserId, notice, new ReportOutcome(flagId, upheld));
        outcomes[flagId] = upheld;
    }

    public async Task RecordBootAsync(BootView boot)
    {
        var index = S.Boots.FindIndex(b => b.BootId == boot.BootId);
        if (index >= 0)
        {
            S.Boots[index] = boot;
        }
        else
        {
            S.Boots.Add(boot);
            TrimFront(S.Boots, MaxBoots);
            await WriteNoticeAsync($"boot:{boot.BootId}", NoticeKinds.Boot, $"You were removed from room '{boot.RoomId}' until {boot.Until:u}.");
        }
        await state.WriteStateAsync();
    }

    public async Task<AppealView> FileAppealAsync(string sanctionId, string text)
    {
        if (!ChatText.IsValid(text))
        {
            throw ModerationException.Invalid("text", "An appeal is 1–2000 characters without control characters other than newline and tab.");
        }
        var sanction = S.Sanctions.FirstOrDefault(s => s.SanctionId == sanctionId)
            ?? throw ModerationException.NotFound("This user has no sanction with that id.");
        if (sanction.Kind == SanctionKind.Warning)
        {
            throw ModerationException.Conflict("A warning cannot be appealed.");
        }
        if (S.Appeals.Any(a => a.SanctionId == sanctionId))
        {
            throw ModerationException.Conflict("This sanction has already been appealed; each sanction can be appealed once.");
        }
        var now = clock.Now;
        if (now - sanction.StartsAt > _options.AppealWindow)
        {
            throw ModerationException.Conflict($"Appeals must be filed within {_options.AppealWindow.TotalDays:0} days of the sanction.");
        }
        var appeal = new AppealState
        {
            AppealId = Identifiers.NewId("appeal"),
            SanctionId = sanctionId,
            Text = text,
            Status = AppealStatus.Pending,
            FiledAt = now,
        };
        S.Appeals.Add(appeal);
        await state.WriteStateAsync();
        await audit.AppendAsync(AuditTrail.Entry(AuditActions.AppealFiled, UserId, now,
            entryId: $"audit_filed_{appeal.AppealId}", caseId: sanction.CaseId, userId: UserId, appealId: appeal.AppealId));
        await QueueAppealAsync(appeal);
        return View(appeal);
    }

    private async Task QueueAppealAsync(AppealState appeal)
    {
        var sanction = S.Sanctions.First(s => s.SanctionId == appeal.SanctionId);
        await GrainFactory.Get<IAppealQueueGrain>(GrainKeys.AppealQueue)
            .EnqueueAsync(new AppealTicket(appeal.AppealId, UserId, sanction.DecidedBy, appeal.FiledAt));
        appeal.Queued = true;
        await state.WriteStateAsync();
    }

    public Task<AppealView> GetAppealAsync(string appealId) => Task.FromResult(View(FindAppeal(appealId)));

    public Task<AppealRecord> GetAppealRecordAsync(string appealId)
    {
        var appeal = FindAppeal(appealId);
        var sanction = S.Sanctions.First(s => s.SanctionId == appeal.SanctionId);
        return Task.FromResult(new AppealRecord(appeal.AppealId, UserId, appeal.Text, appeal.Status, View(sanction),
            sanction.DecidedBy, appeal.FiledAt, appeal.Response, appeal.ReviewedBy, appeal.DecidedAt));
    }

    public async Task MarkAppealInReviewAsync(string appealId, bool inReview)
    {
        var appeal = FindAppeal(appealId);
        if (appeal.Status is AppealStatus.Pending or AppealStatus.InReview)
        {
            appeal.Status = inReview ? AppealStatus.InReview : AppealStatus.Pending;
            await state.WriteStateAsync();
        }
    }

    public async Task<AppealView> ResolveAppealAsync(string appealId, AppealDecisionRequest decision, string agentId)
    {
        var appeal = FindAppeal(appealId);
        if (appeal.Status is AppealStatus.Upheld or AppealStatus.Overturned)
        {
            return View(appeal);
        }
        var now = clock.Now;
        appeal.Status = decision.Outcome == AppealOutcome.Overturned ? AppealStatus.Overturned : AppealStatus.Upheld;
        appeal.Response = decision.Response;
        appeal.ReviewedBy = agentId;
        appeal.DecidedAt = now;
        var sanction = S.Sanctions.First(s => s.SanctionId == appeal.SanctionId);
        if (decision.Outcome == AppealOutcome.Overturned)
        {
            sanction.LiftedAt = now;
            foreach (var strike in S.Strikes.Where(s => s.CaseId == sanction.CaseId))
            {
                strike.Removed = true;
            }
        }
        await WriteNoticeAsync($"appeal:{appeal.AppealId}", NoticeKinds.AppealDecision,
            decision.Outcome == AppealOutcome.Overturned
                ? $"Your appeal was accepted: the {WireNames.ToWire(sanction.Kind)} has been lifted and its strike removed. {decision.Response}"
                : $"Your appeal was reviewed and the {WireNames.ToWire(sanction.Kind)} stays in place. {decision.Response}",
            sanction.Reason, View(sanction));
        await state.WriteStateAsync();
        if (decision.Outcome == AppealOutcome.Overturned)
        {
            await PushRestrictionAsync();
        }
        return View(appeal);
    }

    private AppealState FindAppeal(string appealId) =>
        S.Appeals.FirstOrDefault(a => a.AppealId == appealId)
        ?? throw ModerationException.NotFound("This user has no appeal with that id.");

    /// <summary>Tells every room that may have cached this user's restriction about the new one, before returning.</summary>
    private async Task PushRestrictionAsync()
    {
        var now = clock.Now;
        ForgetRoomsPastTtl(now);
        var restriction = Restriction(now);
        await Task.WhenAll(_cachingRooms.Keys.Select(room =>
            GrainFactory.Get<IRoomGrain>(room).ApplyRestrictionAsync(UserId, restriction)));
    }

    private void ForgetRoomsPastTtl(DateTimeOffset now)
    {
        // Twice the TTL: a room's copy is fresh for one TTL from when it asked, and clocks of silos differ a little.
        var horizon = now - (2 * _options.RestrictionCacheTtl);
        foreach (var room in _cachingRooms.Where(r => r.Value < horizon).Select(r => r.Key).ToList())
        {
            _cachingRooms.Remove(room);
        }
    }

    /// <summary>
    /// The most severe chat-blocking sanction in force, until the last of them ends: a room that caches this
    /// refuses until the user may really chat again.
    /// </summary>
    private ChatRestriction Restriction(DateTimeOffset now)
    {
        var blocking = S.Sanctions.Where(s => s.Kind != SanctionKind.Warning && s.IsActiveAt(now)).ToList();
        if (blocking.Count == 0)
        {
            return ChatRestriction.None;
        }
        var worst = blocking.Max(s => s.Kind);
        var until = blocking.Any(s => s.EffectiveEnd is null) ? null : blocking.Max(s => s.EffectiveEnd);
        return new ChatRestriction(worst switch
        {
            SanctionKind.Ban => ChatRefusal.UserBanned,
            SanctionKind.Suspension => ChatRefusal.UserSuspended,
            _ => ChatRefusal.UserMuted,
        }, until);
    }

    private Standing Standing(DateTimeOffset now)
    {
        var active = S.Sanctions.Where(s => s.Kind != SanctionKind.Warning && s.IsActiveAt(now)).ToList();
        return new Standing(
            UserId,
            CanChat: active.Count == 0,
            CanPlay: !active.Any(s => s.Kind is SanctionKind.Suspension or SanctionKind.Ban),
            Strikes: StrikesInWindow(now),
            ActiveSanctions: active.Select(View).ToList());
    }

    private int StrikesInWindow(DateTimeOffset now) =>
        S.Strikes.Count(s => !s.Removed && s.At > now - _options.StrikeWindow);

    private async Task<ReporterAccuracy> AccuracyAsync()
    {
        var outcomes = await ReportOutcomesAsync();
        return new(outcomes.Values.Count(v => v), outcomes.Values.Count(v => !v));
    }

    /// <summary>Read once per activation; read-only calls interleave, so they share the one read.</summary>
    private Task<Dictionary<string, bool>> ReportOutcomesAsync()
    {
        if (_reportOutcomes is { IsFaulted: true } or { IsCanceled: true })
        {
            _reportOutcomes = null;
        }
        return _reportOutcomes ??= ReadReportOutcomesAsync();

        async Task<Dictionary<string, bool>> ReadReportOutcomesAsync() =>
            new(await records.ReadReportOutcomesAsync(UserId), StringComparer.Ordinal);
    }

    /// <summary>Moves the notices and report outcomes of a state row written before they became rows, then forgets them.</summary>
    private async Task MoveRecordsOutOfStateAsync()
    {
        foreach (var notice in S.Notices)
        {
            await records.WriteAsync(UserId, notice, outcome: null);
        }
        foreach (var (flagId, upheld) in S.ReportOutcomes)
        {
            await records.WriteAsync(UserId, notice: null, new ReportOutcome(flagId, upheld));
        }
        S.Notices.Clear();
        S.ReportOutcomes.Clear();
        await state.WriteStateAsync();
    }

    private SanctionView View(SanctionRecord s) =>
        new(s.SanctionId, s.Kind, s.Reason, s.StartsAt, s.EffectiveEnd, S.Appeals.FirstOrDefault(a => a.SanctionId == s.SanctionId)?.Status,
            s.CaseId, s.LiftedAt);

    private static AppealView View(AppealState a) => new(a.AppealId, a.SanctionId, a.Status, a.Response, a.FiledAt, a.DecidedAt);

    private string SanctionSummary(SanctionRecord sanction, TargetType target)
    {
        var what = sanction.Kind switch
        {
            SanctionKind.Warning => "This is a warning; no restriction applies.",
            SanctionKind.Mute => $"You are muted (cannot chat) until {sanction.EndsAt:u}.",
            SanctionKind.Suspension => $"Your account is suspended until {sanction.EndsAt:u}.",
            _ => "Your account is banned.",
        };
        var appeal = sanction.Kind == SanctionKind.Warning
            ? string.Empty
            : $" If you think this is wrong, you can appeal once within {_options.AppealWindow.TotalDays:0} days, quoting sanction {sanction.SanctionId}.";
        return $"Your {WireNames.ToWire(target).Replace('_', ' ')} was found to break our rules on {WireNames.ToWire(sanction.Reason).Replace('_', ' ')}. {what}{appeal}";
    }

    private Task WriteNoticeAsync(string about, string kind, string summary, FlagReason? reason = null, SanctionView? sanction = null, FlagContent? content = null) =>
        records.WriteAsync(UserId, NewNotice(about, kind, summary, reason, sanction, content), outcome: null);

    /// <summary>
    /// A notice's id follows from what it is about (a case's sanction, a flag's outcome, a boot, an appeal's answer),
    /// so a retried write replaces the notice instead of adding a second one.
    /// </summary>
    private Notice NewNotice(string about, string kind, string summary, FlagReason? reason = null, SanctionView? sanction = null, FlagContent? content = null)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(about));
        var noticeId = $"notice_{Convert.ToHexStringLower(digest.AsSpan(0, 16))}";
        return new Notice(noticeId, kind, clock.Now, summary, reason, sanction, content);
    }

    private static void TrimFront<T>(List<T> list, int max)
    {
        if (list.Count > max)
        {
            list.RemoveRange(0, list.Count - max);
        }
    }
}
