using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// Orleans' own AdoNet membership provider against our stored queries: every key it calls, with the optimistic
/// version checks the membership protocol relies on.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MembershipTableTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _clusterId = $"membership-{Guid.NewGuid():N}";
    private TestDatabase _db = null!;
    private AdoNetClusteringTable _table = null!;

    public async Task InitializeAsync()
    {
        _db = await server.GetClassDatabaseAsync(GetType());
        _table = new AdoNetClusteringTable(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "membership-tests" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = ModerationDatabase.Invariant, ConnectionString = _db.ConnectionString }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Rows_are_inserted_and_updated_only_against_the_current_table_version()
    {
        var empty = await _table.ReadAllAsync();
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var silo = Entry(port: 11111, SiloStatus.Joining);
        Assert.True(await _table.InsertRowAsync(silo, empty.Version.Next()));
        Assert.False(await _table.InsertRowAsync(silo, empty.Version.Next()));          // stale version
        var afterInsert = await _table.ReadAllAsync();
        Assert.False(await _table.InsertRowAsync(silo, afterInsert.Version.Next()));    // already there
        Assert.Equal(1, (await _table.ReadAllAsync()).Version.Version);                 // a refused insert bumps nothing

        var (read, etag) = Assert.Single(afterInsert.Members);
        Assert.Equal(silo.SiloAddress, read.SiloAddress);
        Assert.Equal(silo.SiloName, read.SiloName);
        Assert.Equal(silo.HostName, read.HostName);
        Assert.Equal(silo.ProxyPort, read.ProxyPort);
        Assert.Equal(silo.StartTime, read.StartTime, TimeSpan.FromMilliseconds(1)); // PostgreSQL keeps microseconds

        var other = Entry(port: 22222, SiloStatus.Active);
        read.Status = SiloStatus.Active;
        read.AddSuspector(other.SiloAddress, DateTime.UtcNow);
        Assert.False(await _table.UpdateRowAsync(read, etag, empty.Version.Next()));    // stale version
        Assert.True(await _table.UpdateRowAsync(read, etag, afterInsert.Version.Next()));

        var row = await _table.ReadRowAsync(silo.SiloAddress);
        var (updated, _) = Assert.Single(row.Members);
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(other.SiloAddress, Assert.Single(updated.SuspectTimes!).Item1);
        Assert.Equal(2, row.Version.Version);

        // A silo not in the table: the version, and no member.
        var unknown = await _table.ReadRowAsync(Entry(port: 33333, SiloStatus.Active).SiloAddress);
        Assert.Empty(unknown.Members);
        Assert.Equal(2, unknown.Version.Version);
    }

    [Fact]
    public async Task Heartbeats_update_i_am_alive_and_dead_silos_are_cleaned_up()
    {
        var old = DateTime.UtcNow.AddDays(-10);
        var dead = Entry(port: 40001, SiloStatus.Dead, startTime: old);
        var alive = Entry(port: 40002, SiloStatus.Active, startTime: old);
        Assert.True(await InsertAsync(dead));
        Assert.True(await InsertAsync(alive));

        alive.IAmAliveTime = DateTime.UtcNow;
        await _table.UpdateIAmAliveAsync(alive);
        var heartbeat = Assert.Single((await _table.ReadRowAsync(alive.SiloAddress)).Members).Item1.IAmAliveTime;
        Assert.Equal(alive.IAmAliveTime, heartbeat, TimeSpan.FromMilliseconds(1));

        await _table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1));

        var remaining = (await _table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress).ToList();
        Assert.DoesNotContain(dead.SiloAddress, remaining);
        Assert.Contains(alive.SiloAddress, remaining);
    }

    [Fact]
    public async Task Clients_see_active_gateways_and_a_cluster_can_be_deleted()
    {
        var gateway = Entry(port: 50001, SiloStatus.Active);
        var joining = Entry(port: 50002, SiloStatus.Joining);
        Assert.True(await InsertAsync(gateway));
        Assert.True(await InsertAsync(joining));

        var gateways = new Orleans.Runtime.Membership.AdoNetGatewayListProvider(
            NullLogger<Orleans.Runtime.Membership.AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = ModerationDatabase.Invariant, ConnectionString = _db.ConnectionString }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = _clusterId, ServiceId = "membership-tests" }));
        await gateways.InitializeGatewayListProviderAsync();
        var uris = await gateways.GetGatewaysAsync();
        // A gateway is the silo's address with its proxy port.
        Assert.Contains(SiloAddress.New(IPAddress.Loopback, gateway.ProxyPort, gateway.SiloAddress.Generation).ToGatewayUri(), uris);
        Assert.DoesNotContain(uris, u => u.Port == joining.ProxyPort);

        await _table.DeleteMembershipTableEntriesAsync(_clusterId);
        Assert.Equal(0L, await _db.ScalarAsync<long>(
            "SELECT count(*) FROM orleans_membership_version WHERE deployment_id = @id", ("id", _clusterId)));
    }

    /// <summary>As a silo does: read the table version, then write against it (Next() keeps the read ETag).</summary>
    private async Task<bool> InsertAsync(MembershipEntry entry) =>
        await _table.InsertRowAsync(entry, (await _table.ReadAllAsync()).Version.Next());

    private static MembershipEntry Entry(int port, SiloStatus status, DateTime? startTime = null)
    {
        var address = SiloAddress.New(IPAddress.Loopback, port, generation: port * 7);
        var start = startTime ?? DateTime.UtcNow;
        return new MembershipEntry
        {
            SiloAddress = address,
            SiloName = $"silo-{port}",
            HostName = "test-host",
            Status = status,
            ProxyPort = port + 1000,
            StartTime = start,
            IAmAliveTime = start,
        };
    }
}
