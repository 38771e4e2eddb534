using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>One case: every flag about one target while it is open, the frozen evidence, the claim and the decision.</summary>
[Alias("case")]
public interface ICaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds a flag (the first one opens the case) and answers its receipt. Refused with Conflict once the case is
    /// resolved, unless the case already has the flag (a retry).
    /// </summary>
    [Alias("add-flag")]
    Task<FlagReceipt> AddFlagAsync(CaseFlag flag);

    [Alias("detail"), ReadOnly]
    Task<CaseDetail> GetDetailAsync();

    [Alias("summary"), ReadOnly]
    Task<CaseSummary> GetSummaryAsync();

    /// <summary>
    /// The status of one of this case's flags as its reporter sees it, derived from the case (received, in review
    /// once claimed, then the decision's outcome); null when the case does not have that flag.
    /// </summary>
    [Alias("flag-receipt"), ReadOnly]
    Task<FlagReceipt?> GetFlagReceiptAsync(string flagId);

    /// <summary>Called by the work queue, which has already made sure no one else holds the case.</summary>
    [Alias("claim")]
    Task<CaseDetail> ClaimAsync(string agentId);

    [Alias("renew")]
    Task<DateTimeOffset> RenewAsync(string agentId);

    [Alias("release")]
    Task ReleaseAsync(string agentId);

    /// <summary>Returns the case to open if its lease has run out; called by the work queue's sweep.</summary>
    [Alias("expire-lease")]
    Task ExpireLeaseAsync();

    [Alias("decide")]
    Task<DecisionView> DecideAsync(string agentId, DecisionRequest decision);

    [Alias("reveal-reporters")]
    Task<IReadOnlyList<RevealedReporter>> RevealReportersAsync(string adminId, string why);

    /// <summary>An appeal overturned this case's sanction: reporters' records and flag statuses are corrected.</summary>
    [Alias("apply-overturn")]
    Task ApplyOverturnAsync(string appealId);
}

/// <summary>A flag as its case stores it, with the reporter's real id (never shown outside the case and admins).</summary>
[GenerateSerializer, Immutable, Alias("case-flag")]
public sealed record CaseFlag(
    [property: Id(0)] string FlagId,
    [property: Id(1)] string ReporterId,
    [property: Id(2)] FlagTarget Target,
    [property: Id(3)] string AccusedUserId,
    [property: Id(4)] FlagReason Reason,
    [property: Id(5)] string? Comment,
    [property: Id(6)] Evidence Evidence,
    [property: Id(7)] ReporterAccuracy ReporterAccuracy,
    [property: Id(8)] DateTimeOffset FiledAt);

[GenerateSerializer, Immutable, Alias("revealed-reporter")]
public sealed record RevealedReporter(
    [property: Id(0)] string Alias,
    [property: Id(1)] string ReporterId,
    [property: Id(2)] string FlagId);
