namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ChatTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task Messages_are_numbered_per_room_and_read_back_in_pages()
    {
        var roomA = await _s.NewRoomAsync();
        var roomB = await _s.NewRoomAsync();
        for (var i = 1; i <= 30; i++)
        {
            Assert.Equal(i, await _s.PostAsync(roomA, "alice", $"message {i}"));
        }
        Assert.Equal(1, await _s.PostAsync(roomB, "bob", "first in b"));

        var latest = await _s.Room(roomA).GetMessagesAsync(null, 10);
        Assert.Equal(Enumerable.Range(21, 10).Select(i => (long)i), latest.Select(m => m.Seq));
        var earlier = await _s.Room(roomA).GetMessagesAsync(21, 200);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), earlier.Select(m => m.Seq));
        Assert.Equal("message 1", earlier[0].Text);
    }

    [Fact]
    public async Task A_retried_post_with_the_same_client_id_is_stored_once()
    {
        var room = await _s.NewRoomAsync();
        var first = await _s.Room(room).PostAsync(new ChatPost("alice", "hello", "retry-1"));
        var retry = await _s.Room(room).PostAsync(new ChatPost("alice", "hello", "retry-1"));
        Assert.Equal(first, retry);
        Assert.Single(await _s.Room(room).GetMessagesAsync(null, 50));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bell\u0007")]
    public async Task Invalid_text_is_refused_and_nothing_is_stored(string text)
    {
        var room = await _s.NewRoomAsync();
        var error = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).PostAsync(new ChatPost("alice", text)));
        Assert.Equal(("text", ModerationError.Invalid), (error.Field, error.Error));
        Assert.Empty(await _s.Room(room).GetMessagesAsync(null, 50));
    }

    [Fact]
    public async Task Text_over_2000_characters_is_refused_but_2000_is_fine()
    {
        var room = await _s.NewRoomAsync();
        await _s.PostAsync(room, "alice", new string('x', 2000));
        await Assert.ThrowsAsync<ModerationException>(() => _s.Room(room).PostAsync(new ChatPost("alice", new string('x', 2001))));
    }

    [Fact]
    public async Task Posting_to_a_room_that_was_never_set_up_is_not_found()
    {
        var error = await Assert.ThrowsAsync<ModerationException>(() => _s.Room(Scenario.NewId("ghost")).PostAsync(new ChatPost("alice", "hi")));
        Assert.Equal(ModerationError.NotFound, error.Error);
    }

    [Fact]
    public async Task History_beyond_the_rooms_memory_comes_from_the_journal()
    {
        var room = await _s.NewRoomAsync();
        for (var i = 1; i <= 260; i++)
        {
            await _s.PostAsync(room, "alice", $"m{i}");
        }
        var oldest = await _s.Room(room).GetMessagesAsync(11, 10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), oldest.Select(m => m.Seq));
    }
}
