using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>
/// Where flags come in: validates the target against the domain, freezes chat evidence and routes the flag to its
/// case. A stateless worker, so intake scales with the silos and no single grain sits on the flag path.
/// </summary>
[Alias("flag-desk")]
public interface IFlagDeskGrain : IGrainWithIntegerKey
{
    [Alias("file")]
    Task<FlagReceipt> FileAsync(FlagSubmission submission);

    /// <summary>The flag's status, only for its reporter; anyone else gets NotFound.</summary>
    [Alias("status")]
    Task<FlagReceipt> GetStatusAsync(string flagId, string reporterId);
}

/// <summary>One flag's receipt: who filed it, which case it joined, and the status the reporter sees.</summary>
[Alias("flag")]
public interface IFlagGrain : IGrainWithStringKey
{
    /// <summary>The receipt if this flag id was already filed, so a retried submission is not filed twice.</summary>
    [Alias("get-if-recorded"), ReadOnly]
    Task<FlagReceipt?> GetIfRecordedAsync();

    [Alias("record-filed")]
    Task<FlagReceipt> RecordFiledAsync(string reporterId, string caseId);

    [Alias("get"), ReadOnly]
    Task<FlagReceipt> GetForReporterAsync(string reporterId);

    [Alias("set-status")]
    Task SetStatusAsync(FlagStatus status);
}

/// <summary>
/// One flag target (an item, or a room and accused user for chat): remembers which case is open for it so that
/// further flags join that case.
/// </summary>
[Alias("target")]
public interface ITargetGrain : IGrainWithStringKey
{
    /// <summary>
    /// Adds the flag to the target's open case, or opens a new case when there is none. A case never calls back
    /// here: a resolved case refuses the flag and the target opens the next one, so the two never wait on each other.
    /// </summary>
    [Alias("route")]
    Task<CaseSummary> RouteAsync(CaseFlag flag);
}
