using System.Globalization;
using System.Reflection;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Postgresql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace OrleansSafety.Persistence;

/// <summary>
/// Brings a database's schema up to date: Orleans' tables and stored queries, then the project's tables. Creates
/// database objects only; the database itself must exist. Scripts are embedded SQL (Migrations/NNNN_name.sql) run
/// once each, in name order, each in its own transaction, and recorded in the table schema_migrations, so running
/// it again applies nothing.
/// </summary>
public sealed class SchemaMigrator(ILogger<SchemaMigrator>? logger = null)
{
    /// <summary>The table where DbUp records the scripts it ran.</summary>
    public const string JournalTable = "schema_migrations";

    // Serialises migrators across processes: silos starting together on an empty database would otherwise
    // race to create the same tables. Any constant works as long as every migrator uses the same one.
    private const long AdvisoryLockKey = 0x4F53_6166_6574_79; // "OSafety"

    private const string ResourcePrefix = "OrleansSafety.Persistence.Migrations.";

    private readonly ILogger _logger = logger ?? NullLogger<SchemaMigrator>.Instance;

    /// <summary>The embedded scripts, by file name, in the order they run.</summary>
    public static IReadOnlyList<string> ScriptNames { get; } = LoadScripts().Select(s => s.Name).ToList();

    /// <summary>Migrates the database the connection string names.</summary>
    /// <returns>The names of the scripts applied now (empty when the schema was up to date).</returns>
    public async Task<IReadOnlyList<string>> MigrateAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        return await MigrateAsync(dataSource, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="MigrateAsync(string, CancellationToken)"/>
    public async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(lockConnection, "SELECT pg_advisory_lock(@key)", cancellationToken).ConfigureAwait(false);
        try
        {
            var upgrader = DeployChanges.To
                .PostgresqlDatabase(new PostgresqlConnectionManager(dataSource))
                .JournalToPostgresqlTable("public", JournalTable)
                .WithScripts(LoadScripts())
                .WithTransactionPerScript()
                // Scripts use $sql$ dollar quotes, which DbUp would otherwise read as $variables$.
                .WithVariablesDisabled()
                .LogTo(new UpgradeLog(_logger))
                .Build();

            // DbUp's API is synchronous: run it off the caller's thread rather than block it.
            var result = await Task.Run(upgrader.PerformUpgrade, cancellationToken).ConfigureAwait(false);
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Schema migration failed in script {result.ErrorScript?.Name ?? "(none)"}: {result.Error?.Message}",
                    result.Error);
            }

            var applied = result.Scripts.Select(s => s.Name).ToList();
            if (applied.Count == 0)
            {
                _logger.LogInformation("Database schema is up to date ({Count} migrations)", ScriptNames.Count);
            }
            else
            {
                _logger.LogInformation("Applied {Count} migration(s): {Scripts}", applied.Count, string.Join(", ", applied));
            }
            return applied;
        }
        finally
        {
            // Also released when the connection closes, but the pool keeps connections open.
            await ExecuteAsync(lockConnection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", AdvisoryLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The scripts named by file name alone, so that the journal's entries survive a rename of the assembly or
    /// namespace (DbUp's default names them by manifest resource name).
    /// </summary>
    private static List<SqlScript> LoadScripts()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => new SqlScript(n[ResourcePrefix.Length..], ReadResource(assembly, n)))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>DbUp's chatter goes to Debug; what was applied is logged once by <see cref="MigrateAsync(NpgsqlDataSource, CancellationToken)"/>.</summary>
    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) => Log(LogLevel.Trace, null, format, args);

        public void LogDebug(string format, params object[] args) => Log(LogLevel.Debug, null, format, args);

        public void LogInformation(string format, params object[] args) => Log(LogLevel.Debug, null, format, args);

        public void LogWarning(string format, params object[] args) => Log(LogLevel.Warning, null, format, args);

        public void LogError(string format, params object[] args) => Log(LogLevel.Error, null, format, args);

        public void LogError(Exception ex, string format, params object[] args) => Log(LogLevel.Error, ex, format, args);

        private void Log(LogLevel level, Exception? exception, string format, object[] args)
        {
            if (logger.IsEnabled(level))
            {
                logger.Log(level, exception, "DbUp: {Message}", string.Format(CultureInfo.InvariantCulture, format, args));
            }
        }
    }
}
