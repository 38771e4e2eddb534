using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Grains.Flags;

/// <summary>
/// Flag intake. Stateless and replicated per silo: it validates, freezes the evidence, and hands the flag to the
/// target grain that owns "the open case for this item", so the flag path has no single hot grain.
/// Reentrant: it keeps nothing between calls, and a stateless worker has only as many activations per silo as the
/// machine has cores, so without it a silo would file at most that many flags at a time, each waiting on several
/// durable writes (docs/BENCHMARKS.md: flags queued for seconds at 60/s on two cores while the CPU was half idle).
/// </summary>
[StatelessWorker, Reentrant]
public sealed class FlagDeskGrain(ModerationClock clock) : Grain, IFlagDeskGrain
{
    public async Task<FlagReceipt> FileAsync(FlagSubmission submission)
    {
        FlagRules.Validate(submission);
        var flagId = submission.FlagId ?? Identifiers.NewId("flag");
        var flagGrain = GrainFactory.Get<IFlagGrain>(flagId);

        var now = clock.Now;
        var target = submission.Target;
        // The evidence, the reporter's standing and (for a retry) the case the flag already went to do not depend on
        // each other: all asked for at once. A refusal of the evidence (self-flag, unknown message) still wins, since
        // WhenAll reports the first task's error.
        var captured = CaptureEvidenceAsync(submission, now);
        var reporterAccuracy = GrainFactory.Get<IUserGrain>(submission.ReporterId).GetReporterAccuracyAsync();
        var assignedCase = submission.FlagId is null ? Task.FromResult<string?>(null) : flagGrain.GetAssignedCaseAsync();
        await Task.WhenAll(captured, reporterAccuracy, assignedCase);
        var (accusedUserId, evidence) = await captured;
        var flag = new CaseFlag(flagId, submission.ReporterId, target, accusedUserId, submission.Reason, submission.Comment, evidence, await reporterAccuracy, now);
        var targetGrain = GrainFactory.Get<ITargetGrain>(TargetGrain.KeyOf(target, accusedUserId));
        return await PlaceAsync(flag, flagGrain, targetGrain, await assignedCase);
    }

    private async Task<(string AccusedUserId, Evidence Evidence)> CaptureEvidenceAsync(FlagSubmission submission, DateTimeOffset now)
    {
        var target = submission.Target;
        if (target.Type != TargetType.Chat)
        {
            FlagRules.RefuseSelfFlag(submission, target.OwnerId!);
            return (target.OwnerId!, EvidenceHasher.ForContent(target.Content!, now));
        }
        FlagRules.RefuseSelfFlagEarly(submission);
        var captured = await GrainFactory.Get<IRoomGrain>(target.RoomId!).CaptureEvidenceAsync(target.MessageSeq, target.AccusedUserId);
        FlagRules.RefuseSelfFlag(submission, captured.AccusedUserId);
        return (captured.AccusedUserId, captured.Evidence);
    }

    /// <summary>
    /// Puts the flag in exactly one case. The flag grain names the case durably before the case is given the flag,
    /// so a retry (same flag id) goes back to that case, which ignores a flag it already has, even once decided.
    /// Only a case that refuses the flag because it was decided without it sends the flag on to the target's next
    /// case. A crash at any step leaves at most a flag grain naming a case that lacks the flag, which the retry
    /// completes; never a flag in two cases, never an acknowledged flag in none.
    /// </summary>
    private async Task<FlagReceipt> PlaceAsync(CaseFlag flag, IFlagGrain flagGrain, ITargetGrain targetGrain, string? caseId)
    {
        const int maxCases = 8; // a new case refuses only if decided between its creation and this flag: rare twice
        string? refusedBy = null;
        for (var attempt = 0; attempt < maxCases; attempt++)
        {
            caseId ??= await targetGrain.GetOpenCaseAsync(refusedBy);
            await flagGrain.AssignCaseAsync(flag.ReporterId, caseId);
            try
            {
                return await GrainFactory.Get<ICaseGrain>(caseId).AddFlagAsync(flag);
            }
            catch (ModerationException e) when (e.Error == ModerationError.Conflict)
            {
                (refusedBy, caseId) = (caseId, null); // decided meanwhile, without this flag
            }
        }
        throw ModerationException.Unavailable("The target's cases kept closing while the flag was filed; retry it.");
    }

    public Task<FlagReceipt> GetStatusAsync(string flagId, string reporterId) =>
        GrainFactory.Get<IFlagGrain>(flagId).GetForReporterAsync(reporterId);
}
