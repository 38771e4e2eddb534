using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>
/// The chaos run's own throwaway PostgreSQL server (scripts/pg-start.sh), which the tests may stop and start again on
/// the same data directory and port. It is always our own: restarting a server that other test projects share
/// (the one scripts/test.sh exports in ConnectionStrings__Postgres) would break their runs, so that one is not used.
/// </summary>
public sealed partial class PostgresServer : IAsyncDisposable
{
    private PostgresServer(string dir, string adminConnectionString, string binDir)
    {
        Dir = dir;
        AdminConnectionString = adminConnectionString;
        BinDir = binDir;
        Port = new NpgsqlConnectionStringBuilder(adminConnectionString).Port;
    }

    public string Dir { get; }

    public string DataDir => Path.Combine(Dir, "data");

    public string AdminConnectionString { get; }

    public string BinDir { get; }

    public int Port { get; }

    public bool IsRunning { get; private set; } = true;

    public static async Task<PostgresServer> StartAsync(string dir)
    {
        var output = await Shell.RunCheckedAsync("bash", [Path.Combine(Repository.Root, "scripts", "pg-start.sh"), dir], TimeSpan.FromMinutes(5));
        var connection = Line("ConnectionStrings__Postgres").Match(output);
        var bin = Line("PG_BIN_DIR").Match(output);
        if (!connection.Success || !bin.Success)
        {
            throw new InvalidOperationException($"pg-start.sh printed no connection string:\n{output}");
        }
        return new PostgresServer(dir, connection.Groups[1].Value, bin.Groups[1].Value);
    }

    /// <summary>A fresh database for one chaos run (CREATE DATABASE), as a connection string with a pool cap of ours.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>pg_ctl stop -m fast: open sessions are cut, in-flight transactions roll back, the port closes.</summary>
    public async Task<TimeSpan> StopAsync()
    {
        var watch = Stopwatch.StartNew();
        await PgCtl(["-D", DataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
        IsRunning = false;
        return watch.Elapsed;
    }

    /// <summary>pg_ctl start of the same data directory on the same port.</summary>
    public async Task<TimeSpan> StartAgainAsync()
    {
        var watch = Stopwatch.StartNew();
        await PgCtl(["-D", DataDir, "-l", Path.Combine(Dir, "server.log"), "-o", $"-p {Port}", "-w", "-t", "60", "start"]);
        IsRunning = true;
        return watch.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Shell.RunAsync("bash", [Path.Combine(Repository.Root, "scripts", "pg-stop.sh"), Dir], TimeSpan.FromMinutes(1));
        }
        catch (TimeoutException)
        {
            // left behind in a temp dir; nothing else to do
        }
    }

    private async Task PgCtl(IReadOnlyList<string> arguments)
    {
        var pgCtl = Path.Combine(BinDir, "pg_ctl");
        // pg_ctl refuses to run as root: as root, run it as the owner of the data directory (pg-start.sh does the same).
        if (Shell.IsRoot)
        {
            await Shell.RunCheckedAsync("runuser", ["-u", "postgres", "--", pgCtl, .. arguments], TimeSpan.FromMinutes(2));
        }
        else
        {
            await Shell.RunCheckedAsync(pgCtl, arguments, TimeSpan.FromMinutes(2));
        }
    }

    private static Regex Line(string name) => new($"^export {name}='([^']*)'$", RegexOptions.Multiline);
}
