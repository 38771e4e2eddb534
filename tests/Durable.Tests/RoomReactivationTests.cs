using Orleans.TestingHost;
using OrleansSafety.Durable.Tests.Infrastructure;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 4: a room reactivated on another silo resumes from the journal — the next seq follows the last one
/// without a gap, and its recent history (the in-memory window) and older pages are served as before. First the
/// silo hosting the room is stopped gracefully, then the next host is killed without any shutdown.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class RoomReactivationTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private DurableCluster _cluster = null!;
    private Scenario _s = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DurableCluster.StartNewAsync(await server.CreateDatabaseAsync(), silos: 2, output);
        _s = new Scenario(() => _cluster.Grains);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _cluster.Database.DisposeAsync();
    }

    [Fact]
    public async Task A_room_moved_to_another_silo_continues_its_seqs_and_serves_its_history()
    {
        var room = await _s.NewRoomAsync(Scenario.NewId("owner"));
        var posted = new List<ChatMessage>();
        for (var i = 1; i <= 250; i++)
        {
            var user = $"user-{i % 5}";
            var ack = await _s.PostAsync(room, user, $"line {i}");
            posted.Add(new ChatMessage(ack.Seq, user, $"line {i}", ack.SentAt));
        }
        await AssertServesAsync(room, posted);

        // 1. The hosting silo stops gracefully: the room deactivates and comes back on the other silo.
        var firstHost = HostOf(room);
        await _cluster.Cluster.StopSiloAsync(firstHost);
        // The client may still try the stopped silo's gateway first (ConnectionFailedException): retried with the
        // same client message id, as the gateway's Idempotency-Key would be.
        var afterStop = new ChatPost("user-after-stop", "first line on the second silo", $"retry-{Guid.NewGuid():N}");
        var ack251 = await Eventually.SucceedsAsync(() => _s.Room(room).PostAsync(afterStop), within: TimeSpan.FromSeconds(30));
        Assert.True(ack251.Accepted);
        Assert.Equal(251, ack251.Seq);
        posted.Add(new ChatMessage(251, afterStop.UserId, afterStop.Text, ack251.SentAt, afterStop.ClientMessageId));
        var secondHost = HostOf(room);
        Assert.NotEqual(firstHost.SiloAddress, secondHost.SiloAddress);
        await AssertServesAsync(room, posted);

        // 2. A fresh silo joins and the room's host is killed (no deactivation, no goodbye to the membership table):
        //    once the cluster declares it dead, the room activates on the new silo. The post is retried with the same
        //    client message id, so however many attempts it takes, it is stored once.
        var thirdSilo = await _cluster.Cluster.StartAdditionalSiloAsync();
        await _cluster.Cluster.KillSiloAsync(secondHost);
        var post = new ChatPost("user-after-kill", "first line on the third silo", $"retry-{Guid.NewGuid():N}");
        var ack252 = await Eventually.SucceedsAsync(() => _s.Room(room).PostAsync(post), within: TimeSpan.FromSeconds(45));
        Assert.True(ack252.Accepted);
        Assert.Equal(252, ack252.Seq);
        Assert.Equal(thirdSilo.SiloAddress, HostOf(room).SiloAddress);
        posted.Add(new ChatMessage(252, post.UserId, post.Text, ack252.SentAt, post.ClientMessageId));
        Assert.Equal(252, (await _s.Room(room).PostAsync(post)).Seq); // a late retry gets the first acknowledgement
        await AssertServesAsync(room, posted);

        var journal = await _cluster.Database.ReadJournalAsync([room]);
        Assert.Equal(Enumerable.Range(1, 252).Select(i => (long)i), journal.Select(r => r.Seq));
    }

    private SiloHandle HostOf(string roomId)
    {
        Assert.True(_cluster.Cluster.TryGetGrainContext(_s.Room(roomId).GetGrainId(), out var context), $"{roomId} is not active");
        return _cluster.Cluster.Silos.Single(s => s.SiloAddress.Equals(context.Address.SiloAddress));
    }

    private async Task AssertServesAsync(string room, List<ChatMessage> posted)
    {
        Assert.Equal(posted.Count, (await _s.Room(room).GetAsync())!.LastSeq);
        Same.Assert("the recent window", posted.TakeLast(200).ToList(), (await _s.Room(room).GetMessagesAsync(null, 200)).ToList());
        Same.Assert("a page older than the window", posted.Skip(10).Take(30).ToList(), (await _s.Room(room).GetMessagesAsync(41, 30)).ToList());
        Same.Assert("the whole history", posted, (await _s.ReadWholeHistoryAsync(room, pageSize: 64)).ToList());
    }
}
