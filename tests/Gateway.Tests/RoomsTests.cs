using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RoomsTests(GatewayFactory factory)
{
    [Fact]
    public async Task Configure_room_answers_the_room()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var owner = Ids.New("owner");
        var moderator = Ids.New("mod");
        var room = await backend.ConfigureRoomAsync(roomId, owner, moderator);
        Assert.Equal(roomId, room.Str("roomId"));
        Assert.Equal(owner, room.Str("ownerId"));
        Assert.Equal([moderator], room["moderatorIds"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(0, room["lastSeq"]!.GetValue<long>());
        Assert.Empty(room["activeBoots"]!.AsArray());
    }

    [Fact]
    public async Task Only_the_owner_manages_moderators()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var owner = Ids.New("owner");
        var moderator = Ids.New("mod");
        await backend.ConfigureRoomAsync(roomId, owner);

        await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/moderators", new { actorId = Ids.New("stranger"), userId = moderator }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/moderators", new { actorId = owner, userId = moderator }))
            .ShouldBe(HttpStatusCode.NoContent);
        await (await backend.DeleteAsync($"/api/v1/rooms/{roomId}/moderators/{moderator}?actorId={moderator}"))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await backend.DeleteAsync($"/api/v1/rooms/{roomId}/moderators/{moderator}?actorId={owner}"))
            .ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Messages_are_numbered_and_paged()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var user = Ids.New("user");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));

        var response = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId = user, text = "first\twith tab\nand newline" });
        var posted = await response.ShouldBe(HttpStatusCode.Created);
        Assert.Equal(roomId, posted.Str("roomId"));
        Assert.Equal(1, posted!["seq"]!.GetValue<long>());
        Assert.NotNull(posted["sentAt"]);
        Assert.NotNull(response.Headers.Location);
        for (var i = 2; i <= 5; i++)
        {
            Assert.Equal(i, await backend.PostMessageAsync(roomId, user, $"message {i}"));
        }

        var latest = await backend.GetJsonAsync($"/api/v1/rooms/{roomId}/messages?limit=2");
        Assert.Equal([4L, 5L], latest["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        var earlier = await backend.GetJsonAsync($"/api/v1/rooms/{roomId}/messages?before=4&limit=2");
        Assert.Equal([2L, 3L], earlier["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>()));
        var first = earlier["messages"]![0]!;
        Assert.Equal(user, first.Str("userId"));
        Assert.Equal("message 2", first.Str("text"));
        Assert.NotNull(first["sentAt"]);
    }

    [Fact]
    public async Task A_retried_message_with_the_same_idempotency_key_is_posted_once()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var user = Ids.New("user");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));

        async Task<JsonNode> PostWithKey(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/rooms/{roomId}/messages")
            {
                Content = JsonContent.Create(new { userId = user, text = "once only" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return (await (await backend.SendAsync(request)).ShouldBe(HttpStatusCode.Created))!;
        }

        var key = Ids.New("key");
        var first = await PostWithKey(key);
        var retry = await PostWithKey(key);
        Assert.Equal(first["seq"]!.GetValue<long>(), retry["seq"]!.GetValue<long>());
        var other = await PostWithKey(Ids.New("key"));
        Assert.NotEqual(first["seq"]!.GetValue<long>(), other["seq"]!.GetValue<long>());
        var page = await backend.GetJsonAsync($"/api/v1/rooms/{roomId}/messages");
        Assert.Equal(2, page["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Two_backends_using_the_same_idempotency_key_post_two_messages()
    {
        // Each API key is its own caller, request after request, whichever key authenticated the request before.
        using var backend = factory.Backend();
        using var other = factory.Backend(factory.OtherBackendKey);
        var roomId = Ids.New("room");
        var user = Ids.New("user");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));
        var key = Ids.New("key");

        async Task<long> PostAs(HttpClient caller)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/rooms/{roomId}/messages")
            {
                Content = JsonContent.Create(new { userId = user, text = "same key, two backends" }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return (await (await caller.SendAsync(request)).ShouldBe(HttpStatusCode.Created))!["seq"]!.GetValue<long>();
        }

        var first = await PostAs(backend);
        var fromOther = await PostAs(other);
        var retried = await PostAs(backend);
        var otherRetried = await PostAs(other);
        Assert.NotEqual(first, fromOther);
        Assert.Equal(first, retried);
        Assert.Equal(fromOther, otherRetried);
        var page = await backend.GetJsonAsync($"/api/v1/rooms/{roomId}/messages");
        Assert.Equal(2, page["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_booted_user_cannot_post_in_that_room_until_unbooted()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var otherRoom = Ids.New("room");
        var owner = Ids.New("owner");
        var moderator = Ids.New("mod");
        var user = Ids.New("user");
        await backend.ConfigureRoomAsync(roomId, owner, moderator);
        await backend.ConfigureRoomAsync(otherRoom, owner);

        var booted = await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/boots", new { actorId = moderator, userId = user, minutes = 15, reason = "spamming" }))
            .ShouldBe(HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(booted.Str("bootId")));
        Assert.True(booted!["until"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(14));

        var refused = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId = user, text = "let me in" });
        var problem = await refused.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.EndsWith("user-booted", problem.Str("type"), StringComparison.Ordinal);
        await backend.PostMessageAsync(otherRoom, user, "I can still talk here");

        await (await backend.DeleteAsync($"/api/v1/rooms/{roomId}/boots/{user}?actorId={moderator}")).ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await backend.DeleteAsync($"/api/v1/rooms/{roomId}/boots/{user}?actorId={owner}")).ShouldBe(HttpStatusCode.NoContent);
        await backend.PostMessageAsync(roomId, user, "back again");
    }

    [Fact]
    public async Task Boot_rules_owner_cannot_be_booted_and_strangers_cannot_boot()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var owner = Ids.New("owner");
        var moderator = Ids.New("mod");
        await backend.ConfigureRoomAsync(roomId, owner, moderator);

        await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/boots", new { actorId = moderator, userId = owner }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);
        await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/boots", new { actorId = Ids.New("stranger"), userId = Ids.New("user") }))
            .ShouldBeProblem(HttpStatusCode.Forbidden);

        // Default length is 60 minutes.
        var booted = await (await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/boots", new { actorId = owner, userId = Ids.New("user") }))
            .ShouldBe(HttpStatusCode.Created);
        Assert.InRange(booted!["until"]!.GetValue<DateTimeOffset>(), DateTimeOffset.UtcNow.AddMinutes(59), DateTimeOffset.UtcNow.AddMinutes(61));
    }
}
