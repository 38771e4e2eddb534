using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>The whole story of SPEC §1 through the HTTP API, as a game backend and agents would live it.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FlowTests(GatewayFactory factory)
{
    [Fact]
    public async Task Chat_flag_claim_decide_refuse_appeal_overturn_chat_again()
    {
        using var backend = factory.Backend();
        var roomA = Ids.New("room-a");
        var roomB = Ids.New("room-b");
        var owner = Ids.New("owner");
        var accused = Ids.New("accused");
        var bystander = Ids.New("bystander");
        var reporter1 = Ids.New("reporter");
        var reporter2 = Ids.New("reporter");

        // Rooms and chat.
        var room = await backend.ConfigureRoomAsync(roomA, owner);
        Assert.Equal(roomA, room.Str("roomId"));
        Assert.Equal(owner, room.Str("ownerId"));
        await backend.ConfigureRoomAsync(roomB, owner);
        await backend.PostMessageAsync(roomA, bystander, "hello everyone");
        var abusive = await backend.PostMessageAsync(roomA, accused, "get out of here, nobody wants you");
        await backend.PostMessageAsync(roomA, bystander, "that was rude");
        var page = await backend.GetJsonAsync($"/api/v1/rooms/{roomA}/messages");
        Assert.Contains(page["messages"]!.AsArray(), m => m!["seq"]!.GetValue<long>() == abusive && m.Str("userId") == accused);

        // Two reporters flag the same message: one case, two reporters.
        var flag1 = await backend.FlagChatAsync(reporter1, roomA, abusive, "harassment", "told me to leave");
        var flag2 = await backend.FlagChatAsync(reporter2, roomA, abusive, "hate");
        var status = await backend.GetJsonAsync($"/api/v1/flags/{flag1}?reporterId={reporter1}");
        Assert.Equal(flag1, status.Str("flagId"));
        Assert.Equal("received", status.Str("status"));
        await (await backend.GetAsync($"/api/v1/flags/{flag1}?reporterId={reporter2}")).ShouldBeProblem(HttpStatusCode.NotFound);

        // An agent claims it: evidence frozen, reporters only as aliases.
        using var agent = await factory.AgentAsync("agent", "agent");
        var queue = await agent.Http.GetJsonAsync("/api/v1/agent/queue");
        Assert.True(queue["open"]!.GetValue<int>() >= 1);
        Assert.Contains(queue["items"]!.AsArray(), i => i.Str("accusedUserId") == accused);
        var detail = await agent.Http.ClaimCaseOfAsync(accused);
        var caseId = detail.Str("caseId");
        Assert.Equal("claimed", detail.Str("status"));
        Assert.Equal(agent.AgentId, detail.Str("claimedBy"));
        Assert.Equal("chat", detail["target"].Str("type"));
        Assert.Equal(roomA, detail["target"].Str("roomId"));
        Assert.Equal(2, detail["reporters"]!.AsArray().Count);
        Assert.Contains(detail["evidence"]!["messages"]!.AsArray(), m => m!["seq"]!.GetValue<long>() == abusive);
        Assert.DoesNotContain(reporter1, detail.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(reporter2, detail.ToJsonString(), StringComparison.Ordinal);
        var reporter = detail["reporters"]![0]!;
        Assert.NotNull(reporter["alias"]);
        Assert.InRange(reporter["accuracy"]!.GetValue<double>(), 0, 1);
        Assert.NotNull(reporter["upheld"]);
        Assert.NotNull(reporter["rejected"]);

        var read = await agent.Http.GetJsonAsync($"/api/v1/cases/{caseId}");
        Assert.Equal("claimed", read.Str("status"));
        var renewed = await (await agent.Http.PostAsync($"/api/v1/cases/{caseId}/renew", null)).ShouldBe(HttpStatusCode.OK);
        Assert.NotNull(renewed!["leaseUntil"]);

        // Decision: violation, mute for an hour.
        var decision = await (await agent.Http.PostAsJsonAsync($"/api/v1/cases/{caseId}/decision", new
        {
            outcome = "violation",
            reason = "harassment",
            sanction = new { kind = "mute", durationMinutes = 60 },
            note = "clear harassment",
        })).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("violation", decision.Str("outcome"));
        Assert.Equal(agent.AgentId, decision.Str("decidedBy"));
        Assert.Equal("mute", decision!["sanction"].Str("kind"));
        var sanctionId = decision["sanction"].Str("sanctionId");

        var reporterView = await Eventually.Until(
            () => backend.GetJsonAsync($"/api/v1/flags/{flag1}?reporterId={reporter1}"),
            s => s.Str("status") == "action_taken");
        Assert.Equal("action_taken", reporterView.Str("status"));

        // At once: the accused cannot chat anywhere.
        var standing = await backend.GetJsonAsync($"/api/v1/users/{accused}/standing");
        Assert.False(standing["canChat"]!.GetValue<bool>());
        Assert.True(standing["canPlay"]!.GetValue<bool>());
        var active = Assert.Single(standing["activeSanctions"]!.AsArray());
        Assert.Equal(sanctionId, active.Str("sanctionId"));
        Assert.Equal("mute", active.Str("kind"));
        Assert.Equal("harassment", active.Str("reason"));
        Assert.NotNull(active!["endsAt"]);

        var refused = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomB}/messages", new { userId = accused, text = "am I muted?" });
        var problem = await refused.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.EndsWith("user-muted", problem.Str("type"), StringComparison.Ordinal);
        Assert.Contains("until", problem.Str("detail"), StringComparison.Ordinal);

        var notices = await backend.GetJsonAsync($"/api/v1/users/{accused}/notices");
        Assert.Contains(notices["notices"]!.AsArray(), n => n!["sanction"]?["sanctionId"]?.GetValue<string>() == sanctionId);

        // Appeal, once.
        var filed = await (await backend.PostAsJsonAsync($"/api/v1/users/{accused}/appeals", new { sanctionId, text = "I was joking with a friend." }))
            .ShouldBe(HttpStatusCode.Created);
        var appealId = filed.Str("appealId");
        Assert.Equal("pending", filed.Str("status"));
        await (await backend.PostAsJsonAsync($"/api/v1/users/{accused}/appeals", new { sanctionId, text = "again" }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
        var appeal = await backend.GetJsonAsync($"/api/v1/users/{accused}/appeals/{appealId}");
        Assert.Equal(sanctionId, appeal.Str("sanctionId"));

        // A plain agent may not take appeals; a senior who did not decide the case does, and overturns.
        await (await agent.Http.PostAsync("/api/v1/agent/appeals/claims", null)).ShouldBeProblem(HttpStatusCode.Forbidden);
        using var senior = await factory.AgentAsync("senior", "senior");
        var appealDetail = await senior.Http.ClaimAppealOfAsync(accused);
        Assert.Equal(appealId, appealDetail.Str("appealId"));
        Assert.Equal(caseId, appealDetail["originalCase"].Str("caseId"));
        Assert.DoesNotContain(reporter1, appealDetail.ToJsonString(), StringComparison.Ordinal);
        var overturned = await (await senior.Http.PostAsJsonAsync($"/api/v1/appeals/{appealId}/decision", new { outcome = "overturned", response = "On review this was banter." }))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal("overturned", overturned.Str("status"));

        var answered = await backend.GetJsonAsync($"/api/v1/users/{accused}/appeals/{appealId}");
        Assert.Equal("overturned", answered.Str("status"));
        Assert.Equal("On review this was banter.", answered.Str("response"));
        Assert.NotNull(answered["decidedAt"]);

        // The sanction ended at once: the user can chat again.
        var after = await backend.GetJsonAsync($"/api/v1/users/{accused}/standing");
        Assert.True(after["canChat"]!.GetValue<bool>());
        Assert.Empty(after["activeSanctions"]!.AsArray());
        await backend.PostMessageAsync(roomB, accused, "thanks for reviewing");

        // Agents see the whole history and the audit trail.
        var history = await agent.Http.GetJsonAsync($"/api/v1/users/{accused}/history");
        Assert.Contains(history["cases"]!.AsArray(), c => c.Str("caseId") == caseId);
        Assert.Contains(history["sanctions"]!.AsArray(), s => s.Str("sanctionId") == sanctionId);
        Assert.Contains(history["appeals"]!.AsArray(), a => a.Str("appealId") == appealId);
        var audit = await agent.Http.GetJsonAsync($"/api/v1/audit?caseId={caseId}");
        Assert.Contains(audit["entries"]!.AsArray(), e => e.Str("action") == "case_decided");
        Assert.DoesNotContain(reporter1, audit.ToJsonString(), StringComparison.Ordinal);

        var report = await agent.Http.GetJsonAsync("/api/v1/reports/transparency");
        Assert.True(report["appealsOverturned"]!.GetValue<int>() >= 1);
    }
}
