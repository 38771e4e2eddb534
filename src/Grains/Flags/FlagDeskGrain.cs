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
        if (submission.FlagId is not null && await flagGrain.GetIfRecordedAsync() is { } earlier)
        {
            return earlier; // a retry of a flag we already have
        }

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
        var summary = await GrainFactory.GetGrain<ITargetGrain>(TargetGrain.KeyOf(target, accusedUserId)).RouteAsync(flag);

        // Recorded after the case has the flag: a crash in between leaves a flag the reporter can re-send with the
        // same idempotency key (the case ignores the duplicate), never a receipt with no case behind it.
        return await flagGrain.RecordFiledAsync(submission.ReporterId, summary.CaseId);
    }

    public Task<FlagReceipt> GetStatusAsync(string flagId, string reporterId) =>
        GrainFactory.GetGrain<IFlagGrain>(flagId).GetForReporterAsync(reporterId);
}
