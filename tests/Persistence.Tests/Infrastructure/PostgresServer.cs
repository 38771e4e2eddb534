using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansSafety.Persistence.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of the test run: the one named by ConnectionStrings__Postgres (CI starts one and exports
/// it), else a throwaway one started here with scripts/pg-start.sh and stopped with scripts/pg-stop.sh after.
/// Tests never use its database directly: each fixture creates its own (<see cref="CreateDatabaseAsync"/>).
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    public const string EnvironmentVariable = "ConnectionStrings__Postgres";

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
        foreach (var database in _classDatabases.Values.Where(d => d.IsValueCreated))
        {
            await (await database.Value).DisposeAsync();
        }
        if (_startedDir is not null)
        {
            await RunScriptAsync("pg-stop.sh", _startedDir);
        }
    }

    /// <summary>A new, empty database with a random name, dropped when the returned object is disposed.</summary>
    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = $"ostest_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, Pooling = true }.ConnectionString;
        return new TestDatabase(this, name, connectionString);
    }

    /// <summary>
    /// The migrated database of one test class, shared by its tests (which keep apart by using their own ids) and
    /// dropped at the end of the run: creating and migrating a database costs about a second.
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
        // FORCE ends the sessions that pools still hold open.
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
        var path = Path.Combine(FindRepositoryRoot(), "scripts", script);
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

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSafety.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("OrleansSafety.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("^export ConnectionStrings__Postgres='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ConnectionStringLine();
}
