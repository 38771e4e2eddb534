using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class UsersTests(GatewayFactory factory)
{
    [Fact]
    public async Task A_new_user_is_in_good_standing_with_no_notices()
    {
        using var backend = factory.Backend();
        var userId = Ids.New("user");
        var standing = await backend.GetJsonAsync($"/api/v1/users/{userId}/standing");
        Assert.Equal(userId, standing.Str("userId"));
        Assert.True(standing["canChat"]!.GetValue<bool>());
        Assert.True(standing["canPlay"]!.GetValue<bool>());
        Assert.Equal(0, standing["strikes"]!.GetValue<int>());
        Assert.Empty(standing["activeSanctions"]!.AsArray());
        var notices = await backend.GetJsonAsync($"/api/v1/users/{userId}/notices");
        Assert.Empty(notices["notices"]!.AsArray());
    }

    [Fact]
    public async Task Appeals_about_unknown_sanctions_or_unknown_appeals_are_404()
    {
        using var backend = factory.Backend();
        var userId = Ids.New("user");
        await (await backend.PostAsJsonAsync($"/api/v1/users/{userId}/appeals", new { sanctionId = "sanction_nope", text = "unfair" }))
            .ShouldBeProblem(HttpStatusCode.NotFound);
        await (await backend.GetAsync($"/api/v1/users/{userId}/appeals/appeal_nope")).ShouldBeProblem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Suspension_blocks_play_and_chat_and_says_until_when()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var accused = Ids.New("accused");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));
        await backend.FlagProfileAsync(Ids.New("reporter"), accused, "scam");
        using var agent = await factory.AgentAsync("agent", "agent");
        var detail = await agent.Http.ClaimCaseOfAsync(accused);
        await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{detail.Str("caseId")}/decision", new
        {
            outcome = "violation",
            sanction = new { kind = "suspension", durationMinutes = 7 * 24 * 60 },
        })).ShouldBe(HttpStatusCode.OK);

        var standing = await backend.GetJsonAsync($"/api/v1/users/{accused}/standing");
        Assert.False(standing["canChat"]!.GetValue<bool>());
        Assert.False(standing["canPlay"]!.GetValue<bool>());
        var refused = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId = accused, text = "hello?" });
        var problem = await refused.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.EndsWith("user-suspended", problem.Str("type"), StringComparison.Ordinal);

        var notices = await backend.GetJsonAsync($"/api/v1/users/{accused}/notices");
        var notice = notices["notices"]!.AsArray().First(n => n!["sanction"] is not null)!;
        Assert.Equal("suspension", notice["sanction"].Str("kind"));
        Assert.False(string.IsNullOrEmpty(notice.Str("summary")));
    }

    [Fact]
    public async Task A_ban_is_refused_as_user_banned_and_has_no_end()
    {
        using var backend = factory.Backend();
        var roomId = Ids.New("room");
        var accused = Ids.New("accused");
        await backend.ConfigureRoomAsync(roomId, Ids.New("owner"));
        await backend.FlagProfileAsync(Ids.New("reporter"), accused, "underage");
        using var agent = await factory.AgentAsync("agent", "agent");
        var detail = await agent.Http.ClaimCaseOfAsync(accused);
        await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{detail.Str("caseId")}/decision", new { outcome = "violation", sanction = new { kind = "ban" } }))
            .ShouldBe(HttpStatusCode.OK);

        var refused = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId = accused, text = "hello?" });
        var problem = await refused.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.EndsWith("user-banned", problem.Str("type"), StringComparison.Ordinal);
        var standing = await backend.GetJsonAsync($"/api/v1/users/{accused}/standing");
        var sanction = standing["activeSanctions"]![0]!.AsObject();
        // Every field of SPEC §3's shape is present, null where it has no value.
        foreach (var field in new[] { "sanctionId", "kind", "reason", "startsAt", "endsAt", "appealStatus" })
        {
            Assert.True(sanction.ContainsKey(field), $"missing {field} in {sanction.ToJsonString()}");
        }
        Assert.Null(sanction["endsAt"]);
        Assert.Equal("ban", sanction.Str("kind"));
        Assert.False(standing["canPlay"]!.GetValue<bool>());
    }
}
