using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>
/// SPEC §1.4: nothing the reported user can see names a reporter. Known reporters flag the accused (chat and
/// profile), the case is decided, appealed and answered; then every answer the game backend can fetch for the
/// accused is crawled for the reporters' ids and comments.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AnonymityTests(GatewayFactory factory)
{
    [Fact]
    public async Task No_answer_the_accused_can_get_contains_a_reporter_id_or_comment()
    {
        using var backend = factory.Backend();
        var room = Ids.New("room");
        var accused = Ids.New("accused");
        var reporters = new[] { Ids.New("reporter-one"), Ids.New("reporter-two"), Ids.New("reporter-three") };
        var comments = reporters.Select(r => "comment-secret-" + Guid.NewGuid().ToString("N")).ToArray();
        await backend.ConfigureRoomAsync(room, Ids.New("owner"));
        var seq = await backend.PostMessageAsync(room, accused, "you are all idiots");
        await backend.PostMessageAsync(room, accused, "and I mean it");

        var flagIds = new List<string>
        {
            await backend.FlagChatAsync(reporters[0], room, seq, "harassment", comments[0]),
            await backend.FlagChatAsync(reporters[1], room, seq, "hate", comments[1]),
            await backend.FlagProfileAsync(reporters[2], accused, "impersonation", comments[2]),
        };

        // Decide both cases with sanctions, appeal one, answer the appeal.
        using var agent = await factory.AgentAsync("agent", "agent");
        var chatCase = await agent.Http.ClaimCaseOfAsync(accused);
        var first = await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{chatCase.Str("caseId")}/decision", new
        {
            outcome = "violation",
            sanction = new { kind = "mute", durationMinutes = 30 },
        })).ShouldBe(HttpStatusCode.OK);
        var profileCase = await agent.Http.ClaimCaseOfAsync(accused);
        await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{profileCase.Str("caseId")}/decision", new
        {
            outcome = "violation",
            sanction = new { kind = "suspension", durationMinutes = 60 },
        })).ShouldBe(HttpStatusCode.OK);
        var sanctionId = first!["sanction"].Str("sanctionId");
        var appeal = await (await backend.PostAsJsonAsync($"/api/v1/users/{accused}/appeals", new { sanctionId, text = "who reported me?" }))
            .ShouldBe(HttpStatusCode.Created);
        var appealId = appeal.Str("appealId");
        using var senior = await factory.AgentAsync("senior", "senior");
        await senior.Http.ClaimAppealOfAsync(accused);
        await (await senior.Http.PostAsJsonAsync($"/api/v1/appeals/{appealId}/decision", new { outcome = "upheld", response = "The report was accurate." }))
            .ShouldBe(HttpStatusCode.OK);

        // Everything the backend can show the accused.
        var answers = new List<string>
        {
            (await backend.GetJsonAsync($"/api/v1/users/{accused}/standing")).ToJsonString(),
            (await backend.GetJsonAsync($"/api/v1/users/{accused}/notices")).ToJsonString(),
            (await backend.GetJsonAsync($"/api/v1/users/{accused}/appeals/{appealId}")).ToJsonString(),
            (await backend.GetJsonAsync($"/api/v1/rooms/{room}/messages?limit=200")).ToJsonString(),
            appeal!.ToJsonString(),
        };
        // The accused cannot look at the reporters' flags either.
        foreach (var flagId in flagIds)
        {
            var probe = await backend.GetAsync($"/api/v1/flags/{flagId}?reporterId={accused}");
            answers.Add(((int)probe.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture) + await probe.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.NotFound, probe.StatusCode);
        }
        var notices = await backend.GetJsonAsync($"/api/v1/users/{accused}/notices");
        Assert.NotEmpty(notices["notices"]!.AsArray());

        foreach (var answer in answers)
        {
            foreach (var secret in reporters.Concat(comments))
            {
                Assert.DoesNotContain(secret, answer, StringComparison.Ordinal);
            }
            // Not even a prefix of a reporter's id (e.g. a truncated one).
            Assert.DoesNotContain("reporter-", answer, StringComparison.Ordinal);
        }
    }
}
