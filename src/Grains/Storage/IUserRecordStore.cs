namespace OrleansSafety.Grains.Storage;

/// <summary>
/// What a user accumulates without bound: notices (statements of reasons, updates) and, as a reporter, the outcome of
/// every decided report. Kept as rows apart from the user's grain state, so that a decision writes one small row per
/// user it touches instead of rewriting the user's whole history (which grew with every notice and outcome).
/// </summary>
public interface IUserRecordStore
{
    /// <summary>
    /// The user's notices, the last written first (two may share a timestamp), at most <paramref name="limit"/>. A
    /// notice written again keeps its place.
    /// </summary>
    Task<IReadOnlyList<Notice>> ReadNoticesAsync(string userId, int limit);

    /// <summary>The user's decided reports as a reporter: flag id → upheld.</summary>
    Task<IReadOnlyDictionary<string, bool>> ReadReportOutcomesAsync(string userId);

    /// <summary>
    /// Stores a notice and a report outcome, either or both, together; completes once they are durable. A notice
    /// replaces a stored one with its id (a retried write adds nothing: the user grain derives a notice's id from what
    /// it is about); an outcome replaces the flag's earlier one.
    /// </summary>
    Task WriteAsync(string userId, Notice? notice, ReportOutcome? outcome);
}

/// <summary>A decided report: whether the reporter's flag was upheld.</summary>
public readonly record struct ReportOutcome(string FlagId, bool Upheld);
