namespace OrleansSafety.Persistence;

/// <summary>The PostgreSQL mode's settings, bound from the configuration section "Storage".</summary>
public sealed class PostgresStorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Apply pending schema migrations when a silo starts, before it touches the membership table.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>
    /// The connection pool's cap, applied when the connection string sets none. Every process (silo, gateway) has
    /// one pool shared by clustering, grain state, reminders, the journal and the audit log, so processes × this
    /// must stay below the server's max_connections (100 by default, 97 usable).
    /// </summary>
    public int MaxPoolSize { get; set; } = 16;

    public ChatJournalOptions Journal { get; set; } = new();

    public AuditLogOptions Audit { get; set; } = new();

    public GrainStateOptions GrainState { get; set; } = new();

    public QueueIndexOptions QueueIndex { get; set; } = new();

    public UserRecordOptions UserRecords { get; set; } = new();

    public SharedCommitOptions SharedCommit { get; set; } = new();
}

/// <summary>
/// The commit shared by grain state, the queue index, the audit log and the user records (section
/// "Storage:SharedCommit", <see cref="SharedGroupCommit"/>): their writes go out together, one round trip and one
/// transaction per batch. While it is enabled, those stores' own batch settings are not used; with
/// <see cref="Enabled"/> false each commits its own batches with them (the seventh round's design, kept for comparison).
/// </summary>
public sealed class SharedCommitOptions : GroupCommitOptions
{
    public SharedCommitOptions()
    {
        MaxBatchSize = 1000;
        // Transient errors: the queue index, audit log and user records are idempotent and retried; grain state is not
        // (SharedGroupCommit).
        MaxAttempts = 3;
    }

    public bool Enabled { get; set; } = true;
}

/// <summary>
/// Group commit of <see cref="PostgresChatJournal"/> (section "Storage:Journal"). No linger by default: measured, it
/// saves PostgreSQL a quarter of its CPU per message at a fixed rate but costs a third of the closed-loop peak on two
/// cores (docs/BENCHMARKS.md, the linger A/B).
/// </summary>
public sealed class ChatJournalOptions : GroupCommitOptions;

/// <summary>
/// Group commit of <see cref="PostgresAuditLog"/> (section "Storage:Audit"). Audit rows come a few per flag, claim
/// and decision from many grains at once; batching them saves a commit per operation under load.
/// </summary>
public sealed class AuditLogOptions : GroupCommitOptions
{
    public AuditLogOptions()
    {
        MaxBatchSize = 500;
        QueueCapacity = 10_000;
    }
}

/// <summary>
/// Grain-state writes (section "Storage:GrainState"): group-committed by <see cref="PostgresGrainStorage"/>, or, with
/// <see cref="GroupCommit"/> false, one transaction each through Orleans' AdoNet provider (same rows; for comparison,
/// docs/BENCHMARKS.md).
/// </summary>
public sealed class GrainStateOptions : GroupCommitOptions
{
    public GrainStateOptions()
    {
        MaxBatchSize = 500;
        QueueCapacity = 10_000;
        // A retried batch whose first commit went through would meet its own new versions and report conflicts.
        MaxAttempts = 1;
    }

    public bool GroupCommit { get; set; } = true;
}

/// <summary>Group commit of <see cref="PostgresQueueIndexStore"/> (section "Storage:QueueIndex").</summary>
public sealed class QueueIndexOptions : GroupCommitOptions
{
    public QueueIndexOptions()
    {
        MaxBatchSize = 500;
        QueueCapacity = 10_000;
    }
}

/// <summary>
/// Group commit of <see cref="PostgresUserRecordStore"/> (section "Storage:UserRecords"): a decision writes a notice or
/// an outcome for the accused and for each reporter at once.
/// </summary>
public sealed class UserRecordOptions : GroupCommitOptions
{
    public UserRecordOptions()
    {
        MaxBatchSize = 500;
        QueueCapacity = 10_000;
    }
}
