namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class BootTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task A_moderator_boots_a_user_who_then_cannot_post_until_the_owner_unboots()
    {
        var room = await _s.NewRoomAsync("owner1", "mod1");
        var boot = await _s.Room(room).BootAsync(new BootRequest("mod1", "troll", 30, "spamming"));
        Assert.Equal(ModerationCluster.Now.AddMinutes(30), boot.Until);

        var refused = await _s.Room(room).PostAsync(new ChatPost("troll", "let me in"));
        Assert.Equal(ChatRefusal.UserBooted, refused.RefusedBecause);

        var modUnboot = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).UnbootAsync("mod1", "troll"));
        Assert.Equal(ModerationError.Forbidden, modUnboot.Error);

        await _s.Room(room).UnbootAsync("owner1", "troll");
        await _s.PostAsync(room, "troll", "sorry");
    }

    [Fact]
    public async Task A_boot_ends_by_itself()
    {
        var room = await _s.NewRoomAsync("owner2");
        await _s.Room(room).BootAsync(new BootRequest("owner2", "loud", null, null));
        Assert.False((await _s.Room(room).PostAsync(new ChatPost("loud", "hi"))).Accepted);
        ModerationCluster.Advance(TimeSpan.FromMinutes(61)); // default boot is 60 minutes
        await _s.PostAsync(room, "loud", "back again");
    }

    [Fact]
    public async Task The_owner_cannot_be_booted_and_ordinary_users_cannot_boot()
    {
        var room = await _s.NewRoomAsync("owner3", "mod3");
        var ownerBoot = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).BootAsync(new BootRequest("mod3", "owner3", 10, null)));
        Assert.Equal(ModerationError.Forbidden, ownerBoot.Error);
        var userBoot = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).BootAsync(new BootRequest("someone", "mod3", 10, null)));
        Assert.Equal(ModerationError.Forbidden, userBoot.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10081)]
    public async Task Boot_length_is_1_to_10080_minutes(int minutes)
    {
        var room = await _s.NewRoomAsync("owner4");
        var error = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).BootAsync(new BootRequest("owner4", "x", minutes, null)));
        Assert.Equal(("minutes", ModerationError.Invalid), (error.Field, error.Error));
    }

    [Fact]
    public async Task A_boot_is_recorded_in_the_users_history_the_room_and_the_audit()
    {
        var room = await _s.NewRoomAsync("owner5");
        var user = Scenario.NewId("user");
        var boot = await _s.Room(room).BootAsync(new BootRequest("owner5", user, 5, "rude"));

        var history = await _s.User(user).GetHistoryAsync();
        Assert.Equal(boot.BootId, Assert.Single(history.Boots).BootId);
        Assert.Contains((await _s.Room(room).GetAsync())!.ActiveBoots, b => b.BootId == boot.BootId);
        var audit = await cluster.Grains.GetGrain<IAuditReaderGrain>(0).QueryAsync(new AuditQuery(null, user, null, 10));
        Assert.Contains(audit, e => e.Action == AuditActions.UserBooted && e.ActorId == "owner5" && e.RoomId == room);
    }
}
