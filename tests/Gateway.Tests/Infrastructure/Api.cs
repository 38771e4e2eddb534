namespace OrleansSafety.Gateway.Tests.Infrastructure;

/// <summary>The calls most tests make, spelled once.</summary>
public static class Api
{
    public static async Task<JsonNode> ConfigureRoomAsync(this HttpClient backend, string roomId, string ownerId, params string[] moderatorIds)
    {
        var response = await backend.PutAsJsonAsync($"/api/v1/rooms/{roomId}", new { ownerId, moderatorIds, name = "Room " + roomId });
        return (await response.ShouldBe(HttpStatusCode.OK))!;
    }

    public static async Task<long> PostMessageAsync(this HttpClient backend, string roomId, string userId, string text)
    {
        var response = await backend.PostAsJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId, text });
        var body = await response.ShouldBe(HttpStatusCode.Created);
        return body!["seq"]!.GetValue<long>();
    }

    public static async Task<string> FlagChatAsync(this HttpClient backend, string reporterId, string roomId, long? messageSeq, string reason = "harassment", string? comment = null)
    {
        var response = await backend.PostAsJsonAsync("/api/v1/flags", new
        {
            reporterId,
            target = new { type = "chat", roomId, messageSeq },
            reason,
            comment,
        });
        var body = await response.ShouldBe(HttpStatusCode.Accepted);
        return body.Str("flagId");
    }

    public static async Task<string> FlagProfileAsync(this HttpClient backend, string reporterId, string ownerId, string reason = "impersonation", string? comment = null)
    {
        var body = await (await backend.PostProfileFlagAsync(reporterId, ownerId, reason: reason, comment: comment)).ShouldBe(HttpStatusCode.Accepted);
        return body.Str("flagId");
    }

    /// <summary>POST /flags about a user profile, optionally with an Idempotency-Key; the answer unchecked.</summary>
    public static async Task<HttpResponseMessage> PostProfileFlagAsync(
        this HttpClient backend, string reporterId, string ownerId, string? idempotencyKey = null, string reason = "impersonation", string? comment = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/flags")
        {
            Content = JsonContent.Create(new
            {
                reporterId,
                target = new { type = "user_profile", id = "profile-" + ownerId, ownerId, content = new { text = "Official staff. Send me your password." } },
                reason,
                comment,
            }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return await backend.SendAsync(request);
    }

    /// <summary>
    /// Claims until the case about <paramref name="accusedUserId"/> comes up. Cases left open by earlier tests in the
    /// shared cluster may rank higher; they are decided no_violation on the way (those tests are over).
    /// </summary>
    public static async Task<JsonNode> ClaimCaseOfAsync(this HttpClient agent, string accusedUserId)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var response = await agent.PostAsync("/api/v1/agent/claims", null);
            Assert.True(response.StatusCode != HttpStatusCode.NoContent, $"No case about {accusedUserId} to claim.");
            var detail = (await response.ShouldBe(HttpStatusCode.OK))!;
            if (detail.Str("accusedUserId") == accusedUserId)
            {
                return detail;
            }
            var decided = await agent.PostAsJsonAsync($"/api/v1/cases/{detail.Str("caseId")}/decision", new { outcome = "no_violation", note = "cleared by another test" });
            await decided.ShouldBe(HttpStatusCode.OK);
        }
        throw new InvalidOperationException($"Gave up looking for the case about {accusedUserId}.");
    }

    /// <summary>Claims until the appeal of <paramref name="userId"/> comes up, upholding foreign ones on the way.</summary>
    public static async Task<JsonNode> ClaimAppealOfAsync(this HttpClient senior, string userId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await senior.PostAsync("/api/v1/agent/appeals/claims", null);
            Assert.True(response.StatusCode != HttpStatusCode.NoContent, $"No appeal of {userId} to claim.");
            var detail = (await response.ShouldBe(HttpStatusCode.OK))!;
            if (detail.Str("userId") == userId)
            {
                return detail;
            }
            var decided = await senior.PostAsJsonAsync($"/api/v1/appeals/{detail.Str("appealId")}/decision", new { outcome = "upheld", response = "cleared by another test" });
            await decided.ShouldBe(HttpStatusCode.OK);
        }
        throw new InvalidOperationException($"Gave up looking for the appeal of {userId}.");
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        return (await response.ShouldBe(HttpStatusCode.OK))!;
    }
}
