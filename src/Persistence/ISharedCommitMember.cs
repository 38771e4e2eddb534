namespace OrleansSafety.Persistence;

/// <summary>A store whose writes can go out in a batch shared with other stores (<see cref="SharedGroupCommit"/>).</summary>
internal interface ISharedCommitMember
{
    /// <summary>Whether a write may be sent again when a transient error left its batch's fate unknown.</summary>
    bool MayRepeatWrites { get; }

    /// <summary>The statements that store these writes (all of this store), and how to read their refusals.</summary>
    PreparedWrites Prepare(IReadOnlyList<object> writes);
}
