namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>What the game backend does in these stories (X-Api-Key), spelled once.</summary>
public static class Backend
{
    public static string PasswordOf(string agentId) => $"pw-{agentId}-long-enough";

    public static async Task<string> CreateAgentAsync(this HttpClient backend, string prefix, params string[] roles)
    {
        var agentId = Ids.New(prefix);
        await backend.PostJsonAsync("/api/v1/agents", new { agentId, password = PasswordOf(agentId), roles }, HttpStatusCode.Created);
        return agentId;
    }

    public static async Task ConfigureRoomAsync(this HttpClient backend, string roomId, string ownerId, string name)
    {
        var response = await backend.PutAsJsonAsync($"/api/v1/rooms/{roomId}", new { ownerId, name });
        await response.ShouldBe(HttpStatusCode.OK);
    }

    public static async Task<long> PostMessageAsync(this HttpClient backend, string roomId, string userId, string text)
    {
        var posted = await backend.PostJsonAsync($"/api/v1/rooms/{roomId}/messages", new { userId, text }, HttpStatusCode.Created);
        return posted["seq"]!.GetValue<long>();
    }

    public static async Task<string> FlagChatAsync(this HttpClient backend, string reporterId, string roomId, long messageSeq, string reason, string? comment = null)
    {
        var body = new { reporterId, target = new { type = "chat", roomId, messageSeq }, reason, comment };
        return (await backend.PostJsonAsync("/api/v1/flags", body, HttpStatusCode.Accepted)).Str("flagId");
    }

    public static async Task<string> FlagContentAsync(this HttpClient backend, string reporterId, string type, string ownerId, string reason, string? text = null, string? mediaUrl = null)
    {
        var body = new { reporterId, target = new { type, id = $"{type}-{ownerId}", ownerId, content = new { text, mediaUrl } }, reason };
        return (await backend.PostJsonAsync("/api/v1/flags", body, HttpStatusCode.Accepted)).Str("flagId");
    }

    public static Task<JsonNode> StandingAsync(this HttpClient backend, string userId) =>
        backend.GetJsonAsync($"/api/v1/users/{userId}/standing");

    /// <summary>
    /// Claims through the API until the case about <paramref name="accusedUserId"/> comes up; cases other tests left in
    /// the shared queue are decided no_violation on the way (those tests are over: the collection runs serially).
    /// </summary>
    public static async Task<JsonNode> ClaimCaseOfAsync(this HttpClient agent, string accusedUserId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var response = await agent.PostAsync("/api/v1/agent/claims", null);
            Assert.True(response.StatusCode != HttpStatusCode.NoContent, $"No case about {accusedUserId} to claim.");
            var detail = (await response.ShouldBe(HttpStatusCode.OK))!;
            if (detail.Str("accusedUserId") == accusedUserId)
            {
                return detail;
            }
            await agent.ClearCaseAsync(detail.Str("caseId"));
        }
        throw new InvalidOperationException($"Gave up looking for the case about {accusedUserId}.");
    }

    /// <summary>Decides a held case no_violation: for cases that are in the way, not under test.</summary>
    public static Task ClearCaseAsync(this HttpClient agent, string caseId) =>
        agent.PostJsonAsync($"/api/v1/cases/{caseId}/decision", new { outcome = "no_violation", note = "cleared by a dashboard test" });
}
