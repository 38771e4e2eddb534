using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using OrleansSafety.Chaos.Tests.Load;
using OrleansSafety.Contracts.Grains;
using Xunit.Sdk;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>A silo process and its ports (a replacement always gets new ones).</summary>
public sealed record SiloNode(string Name, ChildProcess Process, int SiloPort, int GatewayPort);

/// <summary>
/// The system under test, as real processes on loopback, shared by every test of the run: the run's own PostgreSQL
/// (scripts/pg-start.sh) with a fresh database, three src/Silo processes and one src/Gateway process in client mode,
/// configured only by environment variables. It also holds the run's <see cref="World"/> and <see cref="Ledger"/>.
/// Tests inject faults through it and must leave it healthy (<see cref="EnsureHealthyAsync"/>).
/// </summary>
public sealed class ChaosCluster : IAsyncLifetime
{
    public const int SiloCount = 3;
    public const string ApiKeyName = "chaos-backend";
    public const string ApiKey = "chaos-key-0123456789abcdef";
    public const string FloodKeyName = "flooding-backend";
    public const string FloodKey = "chaos-flood-key-0123456789";
    public const int PerKeyPerSecond = 50;
    public const int PerKeyBurst = 50;
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    private readonly IMessageSink _sink;
    private readonly List<SiloNode> _silos = [];
    private readonly List<ChildProcess> _allProcesses = [];
    private readonly Lock _gate = new();
    private int _siloNumber;
    private int _gatewayNumber;
    private IHost? _client;
    private NpgsqlDataSource? _db;

    public ChaosCluster(IMessageSink sink)
    {
        _sink = sink;
        RunId = Guid.NewGuid().ToString("N")[..8];
        RunDir = Directory.CreateTempSubdirectory($"orleanssafety-chaos-{RunId}-").FullName;
        ClusterId = $"chaos-{RunId}";
        ServiceId = $"chaos-svc-{RunId}";
    }

    public ChaosSettings Settings => ChaosSettings.Current;

    public string RunId { get; }

    public string RunDir { get; }

    public string LogDir => Path.Combine(RunDir, "logs");

    public string ClusterId { get; }

    public string ServiceId { get; }

    public Binaries Binaries { get; private set; } = null!;

    public PostgresServer Postgres { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource Db => _db ??= NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 8 }.ConnectionString);

    public IReadOnlyList<SiloNode> Silos
    {
        get
        {
            lock (_gate)
            {
                return _silos.Where(s => !s.Process.HasExited).ToList();
            }
        }
    }

    public ChildProcess Gateway { get; private set; } = null!;

    public int GatewayPort { get; private set; }

    public Uri GatewayUrl => new($"http://127.0.0.1:{GatewayPort}");

    /// <summary>A second gateway with two API keys and a per-key limit of 50/s (burst 50), for the per-key flood test.</summary>
    public ChildProcess TwoKeyGateway { get; private set; } = null!;

    public int TwoKeyGatewayPort { get; private set; }

    public static IReadOnlyDictionary<string, string?> TwoKeyGatewaySettings { get; } = new Dictionary<string, string?>
    {
        ["Gateway__ApiKeys__1__Name"] = FloodKeyName,
        ["Gateway__ApiKeys__1__Key"] = FloodKey,
        ["Gateway__RateLimits__PerKeyPerSecond"] = PerKeyPerSecond.ToString(CultureInfo.InvariantCulture),
        ["Gateway__RateLimits__PerKeyBurst"] = PerKeyBurst.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The two-key gateway, ready (started again if it died).</summary>
    public async Task<ChildProcess> TwoKeyGatewayReadyAsync()
    {
        if (TwoKeyGateway.HasExited)
        {
            TwoKeyGateway = await StartGatewayAsync("gateway-two-keys", TwoKeyGatewayPort, TwoKeyGatewaySettings);
        }
        await WaitUntilReadyAsync(TwoKeyGateway, TwoKeyGatewayPort, TimeSpan.FromSeconds(60));
        return TwoKeyGateway;
    }

    public Ledger Ledger { get; } = new();

    public World World { get; private set; } = null!;

    public Results Results { get; } = new();

    /// <summary>Problems the verifier found, and the test that found them first: later tests do not fail on them again.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> ReportedProblems { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(LogDir);
        Log($"chaos run {RunId} ({(Settings.Long ? "long" : "short")} form) in {RunDir}");
        Binaries = await Binaries.PrepareAsync(RunDir, Log);
        // Its own temp dir: the server runs as 'postgres' when we are root, and RunDir is private to us.
        Postgres = await PostgresServer.StartAsync(Path.Combine(Path.GetTempPath(), $"orleanssafety-chaos-pg-{RunId}"));
        ConnectionString = await Postgres.CreateDatabaseAsync($"chaos_{RunId}");
        Log($"PostgreSQL on 127.0.0.1:{Postgres.Port}, database chaos_{RunId}");
        await Shell.RunCheckedAsync("dotnet", [Binaries.SiloDll, "migrate"], TimeSpan.FromMinutes(2), Binaries.SiloDir,
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = ConnectionString, ["DOTNET_ENVIRONMENT"] = "Production" });
        await StartSilosAsync(SiloCount);
        GatewayPort = LoopbackPorts.Free(1)[0];
        TwoKeyGatewayPort = LoopbackPorts.Free(1)[0];
        // The per-key flood test's gateway (two keys, a small per-key limit) starts with the main one, not later.
        var twoKeys = StartGatewayAsync("gateway-two-keys", TwoKeyGatewayPort, TwoKeyGatewaySettings);
        Gateway = await StartGatewayAsync("gateway", GatewayPort, new Dictionary<string, string?>());
        TwoKeyGateway = await twoKeys;
        var http = new Http(GatewayUrl, ApiKey, TimeSpan.FromSeconds(10));
        World = await World.CreateAsync(new Retrier(http, Ledger), Ledger, RunId, "admin", "admin-password-dev");
        Log($"cluster {ClusterId}: {SiloCount} silos, gateway at {GatewayUrl}, world of {World.Rooms.Count} rooms ready");
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException)
            {
                // the cluster is going away anyway
            }
            _client.Dispose();
        }
        foreach (var process in _allProcesses.AsEnumerable().Reverse())
        {
            if (!process.HasExited)
            {
                await process.TerminateAsync(TimeSpan.FromSeconds(20));
            }
            await process.DisposeAsync();
        }
        World?.Http.Dispose();
        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
        Results.WriteReport(Settings, this);
        if (Binaries is not null && Directory.Exists(Path.GetDirectoryName(Binaries.SiloDir)))
        {
            Directory.Delete(Path.GetDirectoryName(Binaries.SiloDir)!, recursive: true); // the copies; logs and results stay
        }
        Log($"logs kept in {LogDir}");
    }

    /// <summary>Starts <paramref name="count"/> silos at once and waits until they are all ready and active.</summary>
    public async Task StartSilosAsync(int count, TimeSpan? within = null)
    {
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => StartSiloAsync(within)));
        await WaitForActiveSilosAsync(within ?? TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts a silo on new ports and waits for its ready line.</summary>
    public async Task<SiloNode> StartSiloAsync(TimeSpan? within = null)
    {
        var name = $"silo-{Interlocked.Increment(ref _siloNumber)}";
        var ports = LoopbackPorts.Free(2);
        var process = StartDotnet(name, [Binaries.SiloDll], Binaries.SiloDir, new Dictionary<string, string?>
        {
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Postgres"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ServiceId,
            ["Orleans__SiloPort"] = Invariant(ports[0]),
            ["Orleans__GatewayPort"] = Invariant(ports[1]),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Storage__MigrateOnStart"] = "false",
            ["Moderation__LeaseDuration"] = LeaseDuration.ToString("c", CultureInfo.InvariantCulture),
            ["Moderation__LeaseSweepInterval"] = "00:00:01",
        }, SiloLog.ReadyLine);
        var node = new SiloNode(name, process, ports[0], ports[1]);
        lock (_gate)
        {
            _allProcesses.Add(process);
            _silos.Add(node);
        }
        await process.WaitUntilReadyAsync(within ?? TimeSpan.FromSeconds(90));
        Log($"{name} ready (pid {process.Pid}, silo port {ports[0]}, gateway port {ports[1]})");
        return node;
    }

    /// <summary>The gateway in client mode on <paramref name="port"/>, ready when /health/ready answers 200.</summary>
    public async Task<ChildProcess> StartGatewayAsync(string name, int port, IReadOnlyDictionary<string, string?> extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Orleans__Mode"] = "client",
            ["ConnectionStrings__Postgres"] = ConnectionString,
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ServiceId,
            ["Orleans__ResponseTimeout"] = "00:00:05",
            ["Gateway__ApiKeys__0__Name"] = ApiKeyName,
            ["Gateway__ApiKeys__0__Key"] = ApiKey,
            ["Gateway__RateLimits__LoginsPerMinute"] = "1000",
            ["Gateway__QueueSampleInterval"] = "00:01:00",
        };
        foreach (var (key, value) in extra)
        {
            environment[key] = value;
        }
        var process = StartDotnet($"{name}-{Interlocked.Increment(ref _gatewayNumber)}",
            [Binaries.GatewayDll, "--urls", $"http://127.0.0.1:{port}"], Binaries.GatewayDir, environment);
        lock (_gate)
        {
            _allProcesses.Add(process);
        }
        await WaitUntilReadyAsync(process, port, TimeSpan.FromSeconds(90));
        Log($"{process.Name} ready (pid {process.Pid}) at http://127.0.0.1:{port}");
        return process;
    }

    /// <summary>A silo or gateway of the run, logged in <see cref="LogDir"/> with what the tests do to it noted as "[chaos] …" lines.</summary>
    private ChildProcess StartDotnet(string name, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, string? readyLine = null)
    {
        var all = new Dictionary<string, string?>(environment);
        all.TryAdd("DOTNET_gcServer", "0"); // six .NET processes share two cores
        return ChildProcess.Start(name, "dotnet", arguments, workingDirectory, all, LogDir, readyLine, appendToLog: true, noteTag: "chaos");
    }

    public static async Task WaitUntilReadyAsync(ChildProcess process, int port, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited before it was ready:\n{process.Tail()}");
            }
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{process.Name} not ready after {within.TotalSeconds:0} s:\n{process.Tail()}");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>pg_ctl stop of the run's server (the tests' own pool is emptied: its connections die with the server).</summary>
    public async Task<TimeSpan> StopPostgresAsync()
    {
        var took = await Postgres.StopAsync();
        Db.Clear();
        return took;
    }

    public async Task<TimeSpan> StartPostgresAgainAsync()
    {
        var took = await Postgres.StartAgainAsync();
        Db.Clear();
        return took;
    }

    /// <summary>
    /// PostgreSQL up but refusing grain-state writes (a trigger that raises on every insert and update of
    /// orleans_storage), as a disk-full server or a read-only replica after a failover would. Chat (its own table)
    /// keeps working; flags, decisions and appeals fail until it is lifted.
    /// </summary>
    public async Task RefuseGrainStateWritesAsync(bool refuse, string? stateName = null)
    {
        // stateName (the [PersistentState] name: flag, case, user …) limits the refusal to one kind of grain.
        var when = stateName is null ? "" : $"WHEN (NEW.grain_type = '{stateName}')";
        var sql = refuse
            ? $"""
              DROP TRIGGER IF EXISTS chaos_refuse_write ON orleans_storage;
              CREATE OR REPLACE FUNCTION chaos_refuse_write() RETURNS trigger LANGUAGE plpgsql AS
              $f$ BEGIN RAISE EXCEPTION 'chaos: grain-state writes are refused'; END $f$;
              CREATE TRIGGER chaos_refuse_write BEFORE INSERT OR UPDATE ON orleans_storage FOR EACH ROW {when} EXECUTE FUNCTION chaos_refuse_write();
              """
            : "DROP TRIGGER IF EXISTS chaos_refuse_write ON orleans_storage;";
        await using var command = Db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>SIGTERM to the main gateway, wait until it exits, start it again on the same port.</summary>
    public async Task<(TimeSpan Down, bool Graceful)> RestartGatewayAsync()
    {
        var started = RunClock.Now;
        var graceful = await Gateway.TerminateAsync(TimeSpan.FromSeconds(30));
        Gateway = await StartGatewayAsync("gateway", GatewayPort, new Dictionary<string, string?>());
        return (RunClock.Now - started, graceful);
    }

    /// <summary>
    /// Waits until the membership table lists exactly the running silos as Active (a killed silo is still "Active"
    /// there until the others declare it dead).
    /// </summary>
    public async Task WaitForActiveSilosAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var expected = Silos.Select(s => s.SiloPort).Order().ToList();
            var active = await ActiveSiloPortsAsync();
            if (active.SequenceEqual(expected))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"membership lists active silo ports [{string.Join(", ", active)}], expected [{string.Join(", ", expected)}]");
            }
            await Task.Delay(250);
        }
    }

    public async Task<List<int>> ActiveSiloPortsAsync()
    {
        await using var command = Db.CreateCommand("SELECT port FROM orleans_membership WHERE deployment_id = @c AND status = 3 ORDER BY port");
        command.Parameters.AddWithValue("c", ClusterId);
        var ports = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ports.Add(reader.GetInt32(0));
        }
        return ports;
    }

    /// <summary>The silo's status in the membership table (3 Active, 6 Dead …), or null when it has no row.</summary>
    public async Task<int?> MembershipStatusAsync(int siloPort)
    {
        await using var command = Db.CreateCommand(
            "SELECT status FROM orleans_membership WHERE deployment_id = @c AND port = @p ORDER BY generation DESC LIMIT 1");
        command.Parameters.AddWithValue("c", ClusterId);
        command.Parameters.AddWithValue("p", siloPort);
        return await command.ExecuteScalarAsync() is int status ? status : null;
    }

    /// <summary>Three running silos, all active, PostgreSQL up, the gateway ready: what every test starts from.</summary>
    public async Task EnsureHealthyAsync()
    {
        if (!Postgres.IsRunning)
        {
            await StartPostgresAgainAsync();
        }
        await RefuseGrainStateWritesAsync(false);
        if (Silos.Count < SiloCount)
        {
            await StartSilosAsync(SiloCount - Silos.Count);
        }
        await WaitForActiveSilosAsync(TimeSpan.FromSeconds(60));
        if (Gateway.HasExited)
        {
            Gateway = await StartGatewayAsync("gateway", GatewayPort, new Dictionary<string, string?>());
        }
        await WaitUntilReadyAsync(Gateway, GatewayPort, TimeSpan.FromSeconds(60));
    }

    /// <summary>Which silo (by silo port) each room's activation is on, asked of Orleans' management grain; null if not active.</summary>
    public async Task<Dictionary<string, int?>> PlacementAsync(IEnumerable<string> roomIds)
    {
        var grains = await ClientAsync();
        var management = grains.GetGrain<IManagementGrain>(0);
        var placement = new Dictionary<string, int?>(StringComparer.Ordinal);
        foreach (var room in roomIds)
        {
            var address = await management.GetActivationAddress(grains.GetGrain<IRoomGrain>(room));
            placement[room] = address?.Endpoint.Port;
        }
        return placement;
    }

    private async Task<IClusterClient> ClientAsync()
    {
        if (_client is null)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production, DisableDefaults = true });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client =>
            {
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", ConnectionString));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
                client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            });
            _client = builder.Build();
            await _client.StartAsync();
        }
        return _client.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The last lines of every process's log, for a failing test's output.</summary>
    public string LogTails(int lines = 25)
    {
        var text = new StringBuilder();
        List<ChildProcess> processes;
        lock (_gate)
        {
            processes = [.. _allProcesses];
        }
        foreach (var process in processes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"----- {process.Name} (pid {process.Pid}{(process.HasExited ? ", exited" : "")}) {process.LogPath}");
            text.AppendLine(process.Tail(lines));
        }
        return text.ToString();
    }

    public void Log(string message) => _sink.OnMessage(new DiagnosticMessage($"[chaos {RunClock.Now.TotalSeconds,7:0.0}s] {message}"));

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

[CollectionDefinition(Name)]
public sealed class ChaosCollection : ICollectionFixture<ChaosCluster>
{
    public const string Name = "chaos";
}
