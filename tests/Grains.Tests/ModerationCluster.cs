using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using OrleansSafety.Grains;

namespace OrleansSafety.Grains.Tests;

/// <summary>
/// One in-process Orleans cluster shared by every grain test, with the domain's clock under the tests' control
/// (Orleans' own clocks keep running normally).
/// </summary>
public sealed class ModerationCluster : IAsyncLifetime
{
    /// <summary>Queue partitions in the test silo (fewer than the default, so tests touch each of them quickly).</summary>
    public const int QueuePartitions = 4;

    /// <summary>Shared with the silo configurator, which Orleans creates by type; time only ever moves forward.</summary>
    internal static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public TestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.GrainFactory;

    public static DateTimeOffset Now => Time.GetUtcNow();

    public static void Advance(TimeSpan by) => Time.Advance(by);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Moderation:QueuePartitions"] = QueuePartitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }).Build();
            silo.Services.AddSingleton(new ModerationClock(Time));
            silo.AddModerationGrains(configuration).UseInMemoryModerationStorage();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ModerationCluster>
{
    public const string Name = "moderation cluster";
}
