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
}

/// <summary>Group commit of <see cref="PostgresChatJournal"/>.</summary>
public sealed class ChatJournalOptions
{
    /// <summary>Most messages written in one round trip.</summary>
    public int MaxBatchSize { get; set; } = 2000;

    /// <summary>
    /// Batches in flight at once (each holds one pooled connection while it writes). One keeps batches largest and
    /// is cheapest per message on a 2-core silo (docs/BENCHMARKS.md, bench-exp-writers: +16 % chat per core-second
    /// over two); raise it when a commit takes longer than a batch takes to fill (slow disk, many cores).
    /// </summary>
    public int Writers { get; set; } = 1;

    /// <summary>Messages waiting for a writer; past this, appends wait for room (back-pressure).</summary>
    public int QueueCapacity { get; set; } = 20_000;

    /// <summary>Tries per batch when the error is transient (connection lost, failover); appends are idempotent.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Wait before the second try; doubles for each further one.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);
}
