namespace OrleansSafety.Grains.Tests;

/// <summary>
/// <see cref="GrainLookup"/> builds references without Orleans' own type resolution; they must address exactly the
/// grain Orleans' <c>GetGrain</c> addresses, with the same interface, for string and integer keys alike.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainLookupTests(ModerationCluster cluster)
{
    [Fact]
    public async Task A_looked_up_reference_reaches_the_same_grain_as_GetGrain()
    {
        var grains = cluster.Grains;
        foreach (var key in new[] { "room_lookup_a", "room_lookup_b" })
        {
            var ours = (GrainReference)(object)grains.Get<IBenchmarkGrain>(key);
            var orleans = (GrainReference)(object)grains.GetGrain<IBenchmarkGrain>(key);
            Assert.Equal(orleans.GrainId, ours.GrainId);
            Assert.Equal(orleans.InterfaceType, ours.InterfaceType);
        }
        var partition = (GrainReference)(object)grains.Get<IQueuePartitionGrain>(3);
        Assert.Equal(((GrainReference)(object)grains.GetGrain<IQueuePartitionGrain>(3)).GrainId, partition.GrainId);

        // And a call through it lands on that activation: a room configured through one is found through the other.
        await grains.Get<IRoomGrain>("room_lookup_c").ConfigureAsync(new RoomSettings("owner_lookup", [], "lookup"));
        Assert.Equal("owner_lookup", (await grains.GetGrain<IRoomGrain>("room_lookup_c").GetAsync())?.OwnerId);
    }
}
