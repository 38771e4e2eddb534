using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansSafety.Grains;
using OrleansSafety.Grains.Storage;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>What UseModerationStorage registers, without starting a silo.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WiringTests(PostgresServer server)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_postgres_stores_win_in_either_registration_order(bool storageFirst)
    {
        var silo = new FakeSiloBuilder(Configuration(("ConnectionStrings:Postgres", "Host=127.0.0.1;Database=x;Username=u;Password=p")));
        if (storageFirst)
        {
            silo.UseModerationStorage(silo.Configuration).AddModerationGrains(silo.Configuration);
        }
        else
        {
            silo.AddModerationGrains(silo.Configuration).UseModerationStorage(silo.Configuration);
        }
        silo.UseModerationStorage(silo.Configuration); // a second call changes nothing

        silo.Services.AddSerializer();
        silo.Services.AddSingleton<IGrainStorageSerializer, SiloDefaultSerializer>();

        await using var services = silo.Services.BuildServiceProvider();
        Assert.IsType<PostgresChatJournal>(services.GetRequiredService<IChatJournal>());
        Assert.Same(services.GetRequiredService<PostgresChatJournal>(), services.GetRequiredService<IChatJournal>());
        Assert.IsType<PostgresAuditLog>(services.GetRequiredService<IAuditLog>());
        Assert.Single(silo.Services, d => d.ServiceType == typeof(IChatJournal));
        Assert.Single(silo.Services, d => d.ImplementationType == typeof(SiloStartupMigration));
        Assert.Single(silo.Services, d => d.ImplementationType == typeof(GroupCommitLifecycle));
        Assert.Contains(silo.Services, IsModerationGrainStorage);

        Assert.IsType<PostgresQueueIndexStore>(services.GetRequiredService<IQueueIndexStore>());
        Assert.IsType<PostgresUserRecordStore>(services.GetRequiredService<IUserRecordStore>());

        // Membership and reminders go through the process's one pool.
        var pool = services.GetRequiredService<ModerationDatabase>().DataSource;
        Assert.Same(pool, services.GetRequiredService<IOptions<AdoNetClusteringSiloOptions>>().Value.DataSource);
        Assert.Same(pool, services.GetRequiredService<IOptions<AdoNetReminderTableOptions>>().Value.DataSource);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("true")]
    [InlineData("false")]
    public async Task Grain_state_is_group_committed_unless_configured_otherwise(string? groupCommit)
    {
        var silo = new FakeSiloBuilder(Configuration(
            ("ConnectionStrings:Postgres", "Host=127.0.0.1;Database=x;Username=u;Password=p"),
            ("Storage:GrainState:GroupCommit", groupCommit)));
        silo.UseModerationStorage(silo.Configuration).AddModerationGrains(silo.Configuration);
        silo.Services.AddSerializer();
        silo.Services.AddSingleton<IGrainStorageSerializer, SiloDefaultSerializer>();

        await using var services = silo.Services.BuildServiceProvider();
        Assert.Single(silo.Services, IsModerationGrainStorage);
        if (groupCommit != "false")
        {
            Assert.IsType<PostgresGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(ModerationSiloExtensions.StorageName));
            return;
        }
        // Orleans' AdoNet provider, on the process's pool, in Orleans' binary format rather than the silo default.
        var storage = services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(ModerationSiloExtensions.StorageName);
        Assert.Equal(ModerationDatabase.Invariant, storage.Invariant);
        Assert.Same(services.GetRequiredService<ModerationDatabase>().DataSource, storage.DataSource);
        Assert.IsType<OrleansGrainStorageSerializer>(storage.GrainStorageSerializer);
    }

    [Fact]
    public async Task Without_a_connection_string_the_silo_stays_in_memory()
    {
        var silo = new FakeSiloBuilder(Configuration());
        silo.UseModerationStorage(silo.Configuration).AddModerationGrains(silo.Configuration);

        await using var services = silo.Services.BuildServiceProvider();
        Assert.IsType<InMemoryChatJournal>(services.GetRequiredService<IChatJournal>());
        Assert.IsType<InMemoryAuditLog>(services.GetRequiredService<IAuditLog>());
        Assert.DoesNotContain(silo.Services, d => d.ServiceType == typeof(ModerationDatabase));
        Assert.Contains(silo.Services, IsModerationGrainStorage);
    }

    [Theory]
    [InlineData("Host=h;Database=d", 16)]
    [InlineData("Host=h;Database=d;Maximum Pool Size=50", 50)]
    [InlineData("Host=h;Database=d;MaxPoolSize=5", 5)]
    [InlineData("Host=h;Database=d;maximum pool size=7", 7)]
    public void The_pool_is_capped_unless_the_connection_string_says_otherwise(string connectionString, int expected)
    {
        var applied = new NpgsqlConnectionStringBuilder(ModerationDatabase.WithDefaults(connectionString, 16));

        Assert.Equal(expected, applied.MaxPoolSize);
        Assert.Equal("OrleansSafety", applied.ApplicationName);
        Assert.True(applied.NoResetOnClose);
        Assert.Equal(ModerationDatabase.MaxAutoPreparedStatements, applied.MaxAutoPrepare);
        Assert.Equal(ModerationDatabase.CustomPlansOnly, applied.Options);
    }

    [Fact]
    public void Session_options_of_the_connection_string_are_kept_and_the_plan_mode_added_unless_given()
    {
        Assert.Equal($"-c statement_timeout=5000 {ModerationDatabase.CustomPlansOnly}",
            new NpgsqlConnectionStringBuilder(ModerationDatabase.WithDefaults("Host=h;Options=-c statement_timeout=5000", 16)).Options);
        Assert.Equal("-c plan_cache_mode=auto",
            new NpgsqlConnectionStringBuilder(ModerationDatabase.WithDefaults("Host=h;Options=-c plan_cache_mode=auto", 16)).Options);
    }

    [Fact]
    public void A_connection_string_that_asks_for_the_reset_keeps_it() =>
        Assert.False(new NpgsqlConnectionStringBuilder(ModerationDatabase.WithDefaults("Host=h;NoResetOnClose=false", 16)).NoResetOnClose);

    [Fact]
    public void A_connection_string_that_turns_automatic_preparation_off_keeps_it_off() =>
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(ModerationDatabase.WithDefaults("Host=h;Max Auto Prepare=0", 16)).MaxAutoPrepare);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Migration_runs_first_and_the_group_commits_flush_after_grains_deactivate(bool migrateOnStart)
    {
        using var database = new ModerationDatabase("Host=127.0.0.1;Database=x");
        var lifecycle = new RecordingLifecycle();

        new SiloStartupMigration(database, new SchemaMigrator(), Options.Create(
            new PostgresStorageOptions { MigrateOnStart = migrateOnStart })).Participate(lifecycle);
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        new GroupCommitLifecycle(new PostgresChatJournal(database.DataSource), new PostgresAuditLog(database.DataSource),
            new PostgresQueueIndexStore(database.DataSource),
            new PostgresUserRecordStore(database.DataSource, services.GetRequiredService<Serializer>()), services).Participate(lifecycle);

        if (migrateOnStart)
        {
            // Before RuntimeInitialize (membership, storage and reminders all start later).
            Assert.Contains((nameof(SiloStartupMigration), ServiceLifecycleStage.First), lifecycle.Subscriptions);
        }
        else
        {
            Assert.DoesNotContain(lifecycle.Subscriptions, s => s.Name == nameof(SiloStartupMigration));
        }
        // Stops run from the highest stage down: grains deactivate at GrainDeactivation, long before this.
        Assert.Contains((nameof(GroupCommitLifecycle), ServiceLifecycleStage.RuntimeStorageServices), lifecycle.Subscriptions);
        Assert.True(ServiceLifecycleStage.RuntimeStorageServices < ServiceLifecycleStage.GrainDeactivation);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("false")]
    public async Task Grain_state_queue_index_audit_and_user_records_share_one_commit_unless_configured_otherwise(string? enabled)
    {
        // Null: the setting absent (an explicit null would bind as false).
        (string, string?)[] settings = enabled is null ? [] : [("Storage:SharedCommit:Enabled", enabled)];
        var silo = new FakeSiloBuilder(Configuration(
            [("ConnectionStrings:Postgres", "Host=127.0.0.1;Database=x;Username=u;Password=p"), .. settings]));
        silo.UseModerationStorage(silo.Configuration).AddModerationGrains(silo.Configuration);
        silo.Services.AddSerializer();

        await using var services = silo.Services.BuildServiceProvider();
        var stores = new (string Name, SharedGroupCommit? Shared)[]
        {
            ("grain state", ((PostgresGrainStorage)services.GetRequiredKeyedService<IGrainStorage>(ModerationSiloExtensions.StorageName)).SharedCommit),
            ("queue index", ((PostgresQueueIndexStore)services.GetRequiredService<IQueueIndexStore>()).SharedCommit),
            ("audit log", ((PostgresAuditLog)services.GetRequiredService<IAuditLog>()).SharedCommit),
            ("user records", ((PostgresUserRecordStore)services.GetRequiredService<IUserRecordStore>()).SharedCommit),
        };
        var expected = enabled == "false" ? null : services.GetRequiredService<SharedGroupCommit>();
        Assert.All(stores, store => Assert.Same(expected, store.Shared));
    }

    [Fact]
    public async Task The_health_check_reports_whether_postgres_answers()
    {
        using var reachable = new ModerationDatabase(server.ConnectionString);
        using var unreachable = new ModerationDatabase(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Port = 1, Timeout = 2 }.ConnectionString);
        var context = new HealthCheckContext
        {
            Registration = new HealthCheckRegistration("postgres", _ => null!, HealthStatus.Unhealthy, null),
        };

        Assert.Equal(HealthStatus.Healthy, (await new PostgresHealthCheck(reachable).CheckHealthAsync(context)).Status);
        Assert.Equal(HealthStatus.Unhealthy, (await new PostgresHealthCheck(unreachable).CheckHealthAsync(context)).Status);
    }

    private static bool IsModerationGrainStorage(ServiceDescriptor descriptor) =>
        descriptor.ServiceType == typeof(IGrainStorage) && Equals(descriptor.ServiceKey, ModerationSiloExtensions.StorageName);

    private static IConfiguration Configuration(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, v.Value))).Build();

    private sealed class FakeSiloBuilder(IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = configuration;
    }

    /// <summary>Stands for whatever serializer the silo would use by default.</summary>
    private sealed class SiloDefaultSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => throw new NotSupportedException();

        public T? Deserialize<T>(BinaryData input) => throw new NotSupportedException();
    }

    private sealed class RecordingLifecycle : ISiloLifecycle
    {
        public List<(string Name, int Stage)> Subscriptions { get; } = [];

        public int HighestCompletedStage => 0;

        public int LowestStoppedStage => 0;

        public IDisposable Subscribe(string observerName, int stage, ILifecycleObserver observer)
        {
            Subscriptions.Add((observerName, stage));
            return new NoopDisposable();
        }

        private sealed class NoopDisposable : IDisposable
        {
            public void Dispose()
            {
            }
        }
    }
}
