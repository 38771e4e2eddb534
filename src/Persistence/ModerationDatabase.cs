using System.Data.Common;
using Npgsql;

namespace OrleansSafety.Persistence;

/// <summary>
/// The process's one PostgreSQL connection pool. Clustering, grain storage, reminders, the chat journal, the audit
/// log and the health check all draw from it, so the pool cap bounds the whole process's connections.
/// </summary>
public sealed class ModerationDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The ADO.NET invariant that Orleans' AdoNet providers are given.</summary>
    public const string Invariant = "Npgsql";

    public ModerationDatabase(string connectionString, int defaultMaxPoolSize = 16)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConnectionString = WithDefaults(connectionString, defaultMaxPoolSize);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    /// <summary>The connection string in use: the configured one plus the defaults it did not set.</summary>
    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>
    /// Statements Npgsql keeps prepared per connection, once one has run <c>Auto Prepare Min Usages</c> (5) times.
    /// The silo uses about 30 distinct statement texts (journal, grain state, queue index, audit, and Orleans' membership
    /// and reminder queries), each a constant text with parameters.
    /// </summary>
    public const int MaxAutoPreparedStatements = 64;

    /// <summary>
    /// Session option: a prepared statement is still planned for its actual parameters on every execution. After five
    /// executions PostgreSQL may otherwise switch to one generic plan and keep it until the table's statistics change;
    /// made while a fresh database's tables were nearly empty, that plan is a sequential scan, and it stayed one while
    /// the journal grew (a load run stalled for 10 s on it, docs/BENCHMARKS.md fifth round). Preparing still saves
    /// the parsing; planning afresh keeps every plan as good as an unprepared statement's.
    /// </summary>
    public const string CustomPlansOnly = "-c plan_cache_mode=force_custom_plan";

    /// <summary>
    /// Adds a pool cap (Npgsql's default of 100 alone exceeds PostgreSQL's default max_connections), an application
    /// name (to tell our sessions apart in pg_stat_activity) and No Reset On Close, unless the connection string sets
    /// them. Npgsql otherwise sends DISCARD ALL each time a pooled connection is reused: a statement and a transaction
    /// of its own, which pg_stat_statements showed was half of all statements in a claim storm (8 of 16 per claim and
    /// decision, docs/BENCHMARKS.md). Nothing here changes session state (no SET, temp tables or LISTEN) that a reset
    /// would need to undo, and Npgsql's prepared statements survive reuse instead of being discarded.
    /// Automatic preparation (<see cref="MaxAutoPreparedStatements"/>, planned per execution: <see cref="CustomPlansOnly"/>):
    /// Npgsql prepares none by default, so PostgreSQL parsed every journal batch, grain-state write and read afresh
    /// (docs/BENCHMARKS.md, fifth round).
    /// </summary>
    public static string WithDefaults(string connectionString, int defaultMaxPoolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = GivenKeywords(connectionString);
        if (!given.Contains("maximumpoolsize") && !given.Contains("maxpoolsize"))
        {
            builder.MaxPoolSize = Math.Max(1, defaultMaxPoolSize);
        }
        if (!given.Contains("applicationname"))
        {
            builder.ApplicationName = "OrleansSafety";
        }
        if (!given.Contains("noresetonclose"))
        {
            builder.NoResetOnClose = true;
        }
        if (!given.Contains("maxautoprepare"))
        {
            builder.MaxAutoPrepare = MaxAutoPreparedStatements;
        }
        if (builder.Options?.Contains("plan_cache_mode", StringComparison.Ordinal) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? CustomPlansOnly : $"{builder.Options} {CustomPlansOnly}";
        }
        return builder.ConnectionString;
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();

    public void Dispose() => DataSource.Dispose();

    /// <summary>The keywords the connection string spells out, lower case without spaces (Npgsql's aliases differ only so).</summary>
    private static HashSet<string> GivenKeywords(string connectionString)
    {
        var parsed = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return parsed.Keys.Cast<string>()
            .Select(k => k.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant())
            .ToHashSet(StringComparer.Ordinal);
    }
}
