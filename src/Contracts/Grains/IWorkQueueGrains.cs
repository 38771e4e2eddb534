using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>
/// One partition of the case queue. A case lives in the partition its id hashes to; agents pick the best head
/// across partitions. The partition is the only place a claim is granted, so no case is ever held twice.
/// Everything interleaves: reads and grants each run in one synchronous turn, and a write changes memory only after
/// its row is durable, so nothing sees a half-applied write; claims never queue behind database commits, and the
/// writes of many cases share one group commit. A case's own writes stay in order because the case grain awaits
/// each before the next. A grant made while that case's write is in flight is overwritten when the write lands; the
/// case, which confirms every claim, refuses the second claimant, so no case is ever held twice.
/// </summary>
[Alias("queue-partition")]
public interface IQueuePartitionGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Records the case's current state. <paramref name="basePriority"/> is its priority without age; the partition
    /// adds the age term itself, so ordering never goes stale as time passes.
    /// </summary>
    [Alias("upsert"), AlwaysInterleave]
    Task UpsertAsync(CaseSummary summary, double basePriority);

    [Alias("remove"), AlwaysInterleave]
    Task RemoveAsync(string caseId);

    /// <summary>Where this partition's best claimable case stands in the claim order; null when it has none.</summary>
    [Alias("peek-head"), AlwaysInterleave]
    Task<QueueHead?> PeekHeadAsync();

    /// <summary>
    /// Grants the caller this partition's best claimable case if it comes before <paramref name="mustPrecede"/> (the
    /// best head the caller knows of elsewhere; null: whatever it is), and otherwise answers with that head. Each call
    /// hands out a different case, so agents claiming at once queue up here instead of all racing for the same head.
    /// </summary>
    [Alias("claim-head"), AlwaysInterleave]
    Task<ClaimAttempt> ClaimHeadAsync(string agentId, DateTimeOffset leaseUntil, QueueHead? mustPrecede);

    [Alias("overview"), AlwaysInterleave]
    Task<QueueOverview> GetOverviewAsync(int top);

    /// <summary>The cases here whose lease <paramref name="agentId"/> holds now, with their lease ends.</summary>
    [Alias("held-by"), AlwaysInterleave]
    Task<IReadOnlyList<CaseSummary>> GetHeldByAsync(string agentId);
}

/// <summary>Reads across all partitions; stateless so dashboards polling it load no single grain.</summary>
[Alias("work-queue")]
public interface IWorkQueueGrain : IGrainWithIntegerKey
{
    [Alias("overview")]
    Task<QueueOverview> GetOverviewAsync(int top);
}

/// <summary>The queue of appeals for senior agents. Appeals are rare, so one grain holds them all.</summary>
[Alias("appeal-queue")]
public interface IAppealQueueGrain : IGrainWithStringKey
{
    [Alias("enqueue")]
    Task EnqueueAsync(AppealTicket ticket);

    [Alias("try-claim-next")]
    Task<AppealTicket?> TryClaimNextAsync(string agentId, DateTimeOffset leaseUntil);

    [Alias("check-claim"), ReadOnly]
    Task<AppealTicket> GetClaimedAsync(string appealId, string agentId);

    [Alias("complete")]
    Task CompleteAsync(string appealId);

    [Alias("release")]
    Task ReleaseAsync(string appealId, string agentId);

    [Alias("pending"), ReadOnly]
    Task<int> CountPendingAsync();
}

[GenerateSerializer, Immutable, Alias("appeal-ticket")]
public sealed record AppealTicket(
    [property: Id(0)] string AppealId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string OriginalDeciderId,
    [property: Id(3)] DateTimeOffset FiledAt,
    [property: Id(4)] string? ClaimedBy = null,
    [property: Id(5)] DateTimeOffset? LeaseUntil = null);

/// <summary>Reads the audit log and the transparency counts.</summary>
[Alias("audit-reader")]
public interface IAuditReaderGrain : IGrainWithIntegerKey
{
    [Alias("query")]
    Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query);

    [Alias("transparency")]
    Task<TransparencyReport> GetTransparencyAsync(DateTimeOffset from, DateTimeOffset to);
}
