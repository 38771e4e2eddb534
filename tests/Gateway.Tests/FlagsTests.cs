using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class FlagsTests(GatewayFactory factory)
{
    [Fact]
    public async Task A_chat_flag_without_message_seq_is_accepted()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));
        var accused = Ids.New("accused");
        await backend.PostMessageAsync(roomId, accused, "spam spam spam");

        var response = await backend.PostAsJsonAsync("/api/v1/flags", new
        {
            reporterId = Ids.New("reporter"),
            target = new { type = "chat", roomId, accusedUserId = accused },
            reason = "spam",
        });
        var body = await response.ShouldBe(HttpStatusCode.Accepted);
        Assert.StartsWith("flag", body.Str("flagId"), StringComparison.Ordinal);
        Assert.Equal("received", body.Str("status"));
    }

    [Theory]
    [InlineData("private_message")]
    [InlineData("avatar_photo")]
    [InlineData("feed_photo")]
    [InlineData("feed_comment")]
    [InlineData("virtual_product")]
    [InlineData("room_profile")]
    [InlineData("user_profile")]
    public async Task Every_item_kind_can_be_flagged(string type)
    {
        using var backend = factory.Backend();
        var reporterId = Ids.New("reporter");
        var response = await backend.PostAsJsonAsync("/api/v1/flags", new
        {
            reporterId,
            target = new { type, id = Ids.New("item"), ownerId = Ids.New("owner"), content = new { text = "offending text", mediaUrl = "https://cdn.example.invalid/x.png" } },
            reason = "sexual_content",
            comment = "please look",
        });
        var body = await response.ShouldBe(HttpStatusCode.Accepted);
        var flagId = body.Str("flagId");
        var status = await backend.GetJsonAsync($"/api/v1/flags/{flagId}?reporterId={reporterId}");
        Assert.Equal("received", status.Str("status"));
        Assert.NotNull(status["updatedAt"]);
    }

    [Fact]
    public async Task Only_the_reporter_sees_the_flag_status()
    {
        using var backend = factory.Backend();
        var reporterId = Ids.New("reporter");
        var flagId = await backend.FlagProfileAsync(reporterId, Ids.New("owner"));
        await (await backend.GetAsync($"/api/v1/flags/{flagId}?reporterId={Ids.New("someone")}")).ShouldBeProblem(HttpStatusCode.NotFound);
        await (await backend.GetAsync($"/api/v1/flags/flag_doesnotexist?reporterId={reporterId}")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_retried_flag_with_the_same_idempotency_key_returns_the_first_receipt()
    {
        using var backend = factory.Backend();
        using var other = factory.Backend(factory.OtherBackendKey);
        var reporterId = Ids.New("reporter");
        var owner = Ids.New("owner");
        var key = Ids.New("key");

        async Task<string> File(HttpClient client) =>
            (await (await client.PostProfileFlagAsync(reporterId, owner, key)).ShouldBe(HttpStatusCode.Accepted)).Str("flagId");

        var first = await File(backend);
        Assert.Equal(first, await File(backend));
        // The key is scoped to the API key: another game backend choosing the same key files its own flag.
        Assert.NotEqual(first, await File(other));
    }

    [Fact]
    public async Task Flagging_your_own_chat_message_is_refused()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var user = Ids.New("user");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));
        var seq = await backend.PostMessageAsync(roomId, user, "my own words");
        var response = await backend.PostAsJsonAsync("/api/v1/flags", new { reporterId = user, target = new { type = "chat", roomId, messageSeq = seq }, reason = "spam" });
        await response.ShouldBeProblem(HttpStatusCode.BadRequest);
    }
}
