using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains;
using OrleansSafety.Grains.Storage;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests.Cluster;

/// <summary>
/// Two-silo test clusters wired by UseModerationStorage on a database nobody migrated: the silos migrate it at
/// start, before membership reads its queries, so a wrong order fails the deploy.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const short Silos = 2;
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";
    private readonly string _serviceId = $"service-{Guid.NewGuid():N}";
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await server.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>
    /// Across the restart the grain-state writer changes (group commit ↔ Orleans' AdoNet provider): both keep the same
    /// rows and versions, so an operator can switch either way without losing state.
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task State_and_reminders_survive_a_full_cluster_restart_and_membership_lists_the_silos(bool groupCommitBefore, bool groupCommitAfter)
    {
        var first = await StartClusterAsync(groupCommitBefore);
        try
        {
            Assert.Equal((long)Silos, await CountSilosAsync(SiloStatus.Active));
            Assert.Equal((long)SchemaMigrator.ScriptNames.Count, await _db.ScalarAsync<long>($"SELECT count(*) FROM {SchemaMigrator.JournalTable}"));

            var probe = first.GrainFactory.GetGrain<IProbeGrain>("probe-1");
            await probe.SetAsync("before restart");
            await probe.SetAsync("kept across restarts");
            await probe.RegisterReminderAsync("nightly-sweep");

            // Orleans' binary format, not JSON with CLR type names; keyed by state name and grain key.
            var payload = await _db.ScalarAsync<byte[]>(
                "SELECT payload FROM orleans_storage WHERE service_id = @s AND grain_type = 'probe' AND grain_id_extension = 'probe-1'", ("s", _serviceId));
            Assert.DoesNotContain("$type", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
            Assert.NotEqual((byte)'{', payload[0]);
        }
        finally
        {
            await first.StopAllSilosAsync();
            await first.DisposeAsync();
        }
        Assert.Equal(0L, await CountSilosAsync(SiloStatus.Active));

        var second = await StartClusterAsync(groupCommitAfter);
        try
        {
            var probe = second.GrainFactory.GetGrain<IProbeGrain>("probe-1");
            var state = await probe.GetAsync();
            Assert.Equal("kept across restarts", state.Value);
            Assert.Equal(2, state.Writes);
            await probe.SetAsync("written by the other writer"); // the version read back is the one the row has
            Assert.Equal(3, await _db.ScalarAsync<int>(
                "SELECT version FROM orleans_storage WHERE service_id = @s AND grain_type = 'probe' AND grain_id_extension = 'probe-1'", ("s", _serviceId)));
            Assert.Contains("nightly-sweep", await probe.GetReminderNamesAsync());

            Assert.Equal((long)Silos, await CountSilosAsync(SiloStatus.Active));
            Assert.Equal((long)Silos, await CountSilosAsync(SiloStatus.Dead)); // the first cluster's silos, stopped cleanly
        }
        finally
        {
            await second.StopAllSilosAsync();
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task Silos_use_the_postgres_stores_whatever_the_registration_order()
    {
        var cluster = await StartClusterAsync();
        try
        {
            foreach (var silo in cluster.Silos)
            {
                var services = cluster.GetSiloServiceProvider(silo.SiloAddress);
                Assert.IsType<PostgresChatJournal>(services.GetRequiredService<IChatJournal>());
                Assert.IsType<PostgresAuditLog>(services.GetRequiredService<IAuditLog>());
                Assert.IsType<PostgresQueueIndexStore>(services.GetRequiredService<IQueueIndexStore>());
                Assert.IsType<PostgresUserRecordStore>(services.GetRequiredService<IUserRecordStore>());
                Assert.IsType<PostgresGrainStorage>(services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(ModerationSiloExtensions.StorageName));
            }
            var journal = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<IChatJournal>();
            await journal.AppendAsync("cluster-room", new ChatMessage(1, "user-1", "hello", DateTimeOffset.UtcNow));
            Assert.Equal(1L, await journal.GetLastSeqAsync("cluster-room"));
        }
        finally
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
            output.WriteLine($"stopped in {clock.ElapsedMilliseconds} ms");
        }
    }

    private async Task<TestCluster> StartClusterAsync(bool groupCommitGrainState = true)
    {
        // One silo first, then the other: started together, both race for the same membership version row and
        // the loser backs off for seconds (correct, but slow for a test).
        var builder = new TestClusterBuilder(1);
        builder.Options.ClusterId = _clusterId;
        builder.Options.ServiceId = _serviceId;
        builder.Options.UseTestClusterMembership = false; // membership in PostgreSQL, as in production
        builder.Properties["ConnectionStrings:Postgres"] = _db.ConnectionString;
        builder.Properties["Storage:MaxPoolSize"] = "8";
        builder.Properties["Storage:GrainState:GroupCommit"] = groupCommitGrainState.ToString();
        builder.AddSiloBuilderConfigurator<PostgresSiloConfigurator>();
        builder.AddClientBuilderConfigurator<PostgresClientConfigurator>();
        var cluster = builder.Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await cluster.DeployAsync();
        await cluster.StartAdditionalSilosAsync(Silos - 1);
        output.WriteLine($"deployed in {clock.ElapsedMilliseconds} ms");
        return cluster;
    }

    private Task<long> CountSilosAsync(SiloStatus status) =>
        _db.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_membership WHERE deployment_id = @c AND status = @s",
            ("c", _clusterId), ("s", (int)status));
}
