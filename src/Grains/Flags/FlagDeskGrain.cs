using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Grains.Flags;

/// <summary>
/// Flag intake. Stateless and replicated per silo: it validates, freezes the evidence, and hands the flag to the
/// target grain that owns "the open case for this item", so the flag path has no single hot grain.
/// </summary>
[StatelessWorker]
public sealed class FlagDeskGrain(ModerationClock clock) : Grain, IFlagDeskGrain
{
    public async Task<FlagReceipt> FileAsync(FlagSubmission submission)
    {
        FlagRules.Validate(submission);
        var flagId = submission.FlagId ?? Identifiers.NewId("flag");
        var flagGrain = GrainFactory.GetGrain<IFlagGrain>(flagId);

        var now = clock.Now;
        var target = submission.Target;
        string accusedUserId;
        Evidence evidence;
        if (target.Type == TargetType.Chat)
        {
            var room = GrainFactory.GetGrain<IRoomGrain>(target.RoomId!);
            FlagRules.RefuseSelfFlagEarly(submission);
            var captured = await room.CaptureEvidenceAsync(target.MessageSeq, target.AccusedUserId);
            (accusedUserId, evidence) = (captured.AccusedUserId, captured.Evidence);
        }
        else
        {
            accusedUserId = target.OwnerId!;
            evidence = EvidenceHasher.ForContent(target.Content!, now);
        }
        FlagRules.RefuseSelfFlag(submission, accusedUserId);

        var accuracy = await GrainFactory.GetGrain<IUserGrain>(submission.ReporterId).GetReporterAccuracyAsync();
        var flag = new CaseFlag(flagId, submission.ReporterId, target, accusedUserId, submission.Reason, submission.Comment, evidence, accuracy, now);
        var targetGrain = GrainFactory.GetGrain<ITargetGrain>(TargetGrain.KeyOf(target, accusedUserId));
        return await PlaceAsync(flag, flagGrain, targetGrain, submission.FlagId is null ? null : await flagGrain.GetAssignedCaseAsync());
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
                return await GrainFactory.GetGrain<ICaseGrain>(caseId).AddFlagAsync(flag);
            }
            catch (ModerationException e) when (e.Error == ModerationError.Conflict)
            {
                (refusedBy, caseId) = (caseId, null); // decided meanwhile, without this flag
            }
        }
        throw ModerationException.Unavailable("The target's cases kept closing while the flag was filed; retry it.");
    }

    public Task<FlagReceipt> GetStatusAsync(string flagId, string reporterId) =>
        GrainFactory.GetGrain<IFlagGrain>(flagId).GetForReporterAsync(reporterId);
}
