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
    /// <summary>The receipt if this flag id was already filed (at least assigned to a case), else null.</summary>
    [Alias("get-if-recorded"), ReadOnly]
    Task<FlagReceipt?> GetIfRecordedAsync();

    /// <summary>The case this flag was assigned to by an earlier attempt, if any: a retry goes there, nowhere else.</summary>
    [Alias("assigned-case"), ReadOnly]
    Task<string?> GetAssignedCaseAsync();

    /// <summary>
    /// Durably names the case this flag goes to, before that case is given the flag, so that a flag can only ever
    /// be in the case its grain names (written only when the case changes).
    /// </summary>
    [Alias("assign-case")]
    Task AssignCaseAsync(string reporterId, string caseId);

    [Alias("get"), ReadOnly]
    Task<FlagReceipt> GetForReporterAsync(string reporterId);
}

/// <summary>
/// One flag target (an item, or a room and accused user for chat): remembers which case is open for it so that
/// further flags join that case.
/// </summary>
[Alias("target")]
public interface ITargetGrain : IGrainWithStringKey
{
    /// <summary>
    /// The id of the target's open case, a new one when there is none or when the open one is
    /// <paramref name="resolvedCaseId"/> (a case that just refused a flag because it was decided). A case never calls
    /// back here, so the two never wait on each other.
    /// </summary>
    [Alias("open-case")]
    Task<string> GetOpenCaseAsync(string? resolvedCaseId);
}
