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
    /// Adds a pool cap (Npgsql's default of 100 alone exceeds PostgreSQL's default max_connections), an application
    /// name (to tell our sessions apart in pg_stat_activity) and No Reset On Close, unless the connection string sets
    /// them. Npgsql otherwise sends DISCARD ALL each time a pooled connection is reused: a statement and a transaction
    /// of its own, which pg_stat_statements showed was half of all statements in a claim storm (8 of 16 per claim and
    /// decision, docs/BENCHMARKS.md). Nothing here changes session state (no SET, temp tables or LISTEN) that a reset
    /// would need to undo, and Npgsql's prepared statements survive reuse instead of being discarded.
    /// Automatic preparation (<see cref="MaxAutoPreparedStatements"/>): Npgsql prepares none by default, so
    /// PostgreSQL parsed and planned every journal batch, grain-state write and read afresh — for the journal's
    /// unnest/ON CONFLICT statement a large part of PostgreSQL's CPU per batch (docs/BENCHMARKS.md, fifth round).
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
