using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;
using OrleansSafety.Grains;
using OrleansSafety.Persistence;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// An Orleans test cluster on one PostgreSQL database that can be stopped entirely and started again, as production
/// restarts: membership, grain state, reminders, chat journal and audit all in PostgreSQL (the silo host's own
/// <c>UseModerationStorage</c> + <c>AddModerationGrains</c>), a fresh ClusterId/ServiceId per instance, and the
/// domain's clock (<see cref="ModerationClock"/>) driven by a <see cref="FakeTimeProvider"/> that outlives restarts.
/// </summary>
public sealed class DurableCluster : IAsyncDisposable
{
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string ClockKey = "DurableTests:Clock";
    private readonly string _clockKey = DomainClocks.Register(new FakeTimeProvider(Epoch));
    private readonly ITestOutputHelper? _output;
    private TestCluster? _cluster;

    private DurableCluster(TestDatabase database, ITestOutputHelper? output)
    {
        Database = database;
        _output = output;
    }

    /// <summary>A new cluster (fresh ClusterId and ServiceId, its own clock) on <paramref name="database"/>, started.</summary>
    public static async Task<DurableCluster> StartNewAsync(TestDatabase database, short silos, ITestOutputHelper? output = null)
    {
        var cluster = new DurableCluster(database, output);
        try
        {
            await cluster.StartAsync(silos);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public string ClusterId { get; } = $"durable-{Guid.NewGuid():N}";

    public string ServiceId { get; } = $"durable-svc-{Guid.NewGuid():N}";

    public TestDatabase Database { get; }

    /// <summary>The domain's time (leases, sanction ends); Orleans' own clocks keep running normally.</summary>
    public FakeTimeProvider Time => DomainClocks.Get(_clockKey);

    public DateTimeOffset Now => Time.GetUtcNow();

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not running.");

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Starts <paramref name="silos"/> silos: one, then the others (together they race for the membership row).</summary>
    public async Task StartAsync(short silos = 1)
    {
        if (_cluster is not null)
        {
            throw new InvalidOperationException("The cluster is already running.");
        }
        var builder = new TestClusterBuilder(1);
        builder.Options.ClusterId = ClusterId;
        builder.Options.ServiceId = ServiceId;
        builder.Options.UseTestClusterMembership = false; // membership in PostgreSQL, as in production
        builder.Options.ConfigureFileLogging = false;
        builder.Properties["ConnectionStrings:Postgres"] = Database.ConnectionString;
        builder.Properties["Storage:MaxPoolSize"] = "8";
        builder.Properties[ClockKey] = _clockKey;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        var clock = Stopwatch.StartNew();
        try
        {
            await cluster.DeployAsync();
            if (silos > 1)
            {
                await cluster.StartAdditionalSilosAsync(silos - 1);
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        _cluster = cluster;
        _output?.WriteLine($"cluster of {silos} silo(s) started in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>Stops every silo (gracefully: grains deactivate, the journal flushes) and the client.</summary>
    public async Task StopAsync()
    {
        if (_cluster is not { } cluster)
        {
            return;
        }
        _cluster = null;
        var clock = Stopwatch.StartNew();
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
        _output?.WriteLine($"cluster stopped in {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>The whole cluster down, then a new one on the same database, ids and clock.</summary>
    public async Task RestartAsync(short silos = 1)
    {
        await StopAsync();
        await StartAsync(silos);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        DomainClocks.Forget(_clockKey);
    }

    /// <summary>Silos configured as src/Silo configures them, plus the test clock and quick failure detection.</summary>
    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            // Registered first: AddModerationGrains only TryAdds the system clock.
            silo.Services.AddSingleton(new ModerationClock(DomainClocks.Get(silo.Configuration[ClockKey]!)));
            silo.UseModerationStorage(silo.Configuration);
            silo.AddModerationGrains(silo.Configuration);
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                // As src/Silo's FastFailureDetection: a killed silo is declared dead in seconds.
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
            });
            silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(15));
        }
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client)
        {
            client.UseModerationClustering(configuration);
            // FACTS: a call to a dead gateway hangs for ResponseTimeout (30 s by default).
            client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = TimeSpan.FromSeconds(15));
        }
    }
}

/// <summary>
/// The fake clocks of the running fixtures, by key. Orleans creates silo configurators by type, so a silo finds its
/// fixture's clock through a key in the cluster's configuration.
/// </summary>
internal static class DomainClocks
{
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new(StringComparer.Ordinal);

    public static string Register(FakeTimeProvider time)
    {
        var key = Guid.NewGuid().ToString("N");
        Clocks[key] = time;
        return key;
    }

    public static FakeTimeProvider Get(string key) =>
        Clocks.TryGetValue(key, out var time) ? time : throw new InvalidOperationException($"No test clock '{key}'.");

    public static void Forget(string key) => Clocks.TryRemove(key, out _);
}
