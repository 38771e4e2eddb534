using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace OrleansSafety.TestSupport;

/// <summary>
/// The PostgreSQL server of the test run: the one named by ConnectionStrings__Postgres (scripts/test.sh and CI export
/// it), else a throwaway one started here with scripts/pg-start.sh and stopped with scripts/pg-stop.sh at the end.
/// Tests never touch its own database: every fixture makes a fresh one (<see cref="CreateDatabaseAsync"/>), or
/// shares its test class's (<see cref="GetClassDatabaseAsync"/>). Every database made is dropped at the end.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "ConnectionStrings__Postgres";

    private readonly ConcurrentBag<TestDatabase> _databases = [];
    private readonly ConcurrentDictionary<Type, Lazy<Task<TestDatabase>>> _classDatabases = new();
    private string? _startedDir;

    /// <summary>A connection string to the server's own database, used to create and drop test databases.</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        ConnectionString = string.IsNullOrWhiteSpace(fromEnvironment) ? await StartThrowawayServerAsync() : fromEnvironment;
    }

    public async Task DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
        if (_startedDir is not null)
        {
            await RunScriptAsync("pg-stop.sh", _startedDir);
        }
    }

    /// <summary>A new, empty database with a random name; dropped at the end of the run (or when disposed earlier).</summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = $"ostest_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
        var database = new TestDatabase(this, name, connectionString);
        _databases.Add(database);
        return database;
    }

    /// <summary>
    /// The migrated database of one test class, shared by its tests (which keep apart by using their own ids):
    /// creating and migrating a database costs about a second.
    /// </summary>
    public Task<TestDatabase> GetClassDatabaseAsync(Type testClass) =>
        _classDatabases.GetOrAdd(testClass, _ => new Lazy<Task<TestDatabase>>(async () =>
        {
            var database = await CreateDatabaseAsync();
            await database.MigrateAsync();
            return database;
        })).Value;

    internal async Task DropDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        // FORCE ends the sessions that silos' pools (or a killed silo's half-closed ones) still hold.
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> StartThrowawayServerAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"orleanssafety-pg-tests-{Guid.NewGuid():N}");
        var output = await RunScriptAsync("pg-start.sh", dir);
        _startedDir = dir;
        var match = ConnectionStringLine().Match(output);
        return match.Success
            ? match.Groups[1].Value
            : throw new InvalidOperationException($"pg-start.sh printed no connection string:\n{output}");
    }

    private static async Task<string> RunScriptAsync(string script, string argument)
    {
        var path = Path.Combine(Repository.Root, "scripts", script);
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { path, argument },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5)); // apt-get install on a new machine
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed ({process.ExitCode}):\n{await stderr}");
        }
        return await stdout;
    }

    [GeneratedRegex("^export ConnectionStrings__Postgres='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ConnectionStringLine();
}
