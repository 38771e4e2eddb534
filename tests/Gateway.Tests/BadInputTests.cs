using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>
/// Bad input never hurts: each request below is a 4xx ProblemDetails that names the offending field, and the
/// world looks exactly the same afterwards (standing, chat, history, audit and queue of the subjects involved).
/// Placeholders: {room}, {user}, {owner} are a fresh room, its owner and a user who has chatted there.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class BadInputTests(GatewayFactory factory) : IAsyncLifetime
{
    public enum As { Backend, Agent, Senior, Admin }

    private string _room = "";
    private string _owner = "";
    private string _user = "";

    private static readonly string LongId = new('a', 65);
    private static readonly string LongText = new('x', 2001);

    public static TheoryData<string, string, string?, As, int, string?> Cases() => new()
    {
        // method, url, raw JSON body (null: none), caller, status, field
        { "PUT", "/api/v1/rooms/{room}", "{", As.Backend, 400, "body" },
        { "PUT", "/api/v1/rooms/{room}", "{\"ownerId\": 5}", As.Backend, 400, "ownerId" },
        { "PUT", "/api/v1/rooms/{room}", "{}", As.Backend, 400, "ownerId" },
        { "PUT", "/api/v1/rooms/bad%20room", "{\"ownerId\":\"o\"}", As.Backend, 400, "roomId" },
        { "PUT", $"/api/v1/rooms/{LongId}", "{\"ownerId\":\"o\"}", As.Backend, 400, "roomId" },
        { "PUT", "/api/v1/rooms/{room}", "{\"ownerId\":\"{owner}\",\"moderatorIds\":[\"ok\",\"not ok\"]}", As.Backend, 400, "moderatorIds[1]" },
        { "PUT", "/api/v1/rooms/{room}", $"{{\"ownerId\":\"{{owner}}\",\"name\":\"{new string('n', 101)}\"}}", As.Backend, 400, "name" },
        { "POST", "/api/v1/rooms/{room}/moderators", "{\"actorId\":\"{owner}\"}", As.Backend, 400, "userId" },
        { "DELETE", "/api/v1/rooms/{room}/moderators/{user}", null, As.Backend, 400, "actorId" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\"}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\",\"text\":\"\"}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", $"{{\"userId\":\"{{user}}\",\"text\":\"{LongText}\"}}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\",\"text\":\"nul \\u0000 inside\"}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\",\"text\":\"bell \\u0007\"}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"a/b\",\"text\":\"hi\"}", As.Backend, 400, "userId" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\",\"text\":123}", As.Backend, 400, "text" },
        { "POST", "/api/v1/rooms/{room}/messages", "[]", As.Backend, 400, "body" },
        { "POST", "/api/v1/rooms/{room}/messages", "null", As.Backend, 400, "body" },
        { "POST", "/api/v1/rooms/{room}/messages", "{\"userId\":\"{user}\",\"text\":\"hi\",\"text\":\"twice\"}", As.Backend, 400, "text" },
        { "GET", "/api/v1/rooms/{room}/messages?limit=0", null, As.Backend, 400, "limit" },
        { "GET", "/api/v1/rooms/{room}/messages?limit=201", null, As.Backend, 400, "limit" },
        { "GET", "/api/v1/rooms/{room}/messages?limit=abc", null, As.Backend, 400, "limit" },
        { "GET", "/api/v1/rooms/{room}/messages?before=-1", null, As.Backend, 400, "before" },
        { "POST", "/api/v1/rooms/{room}/boots", "{\"actorId\":\"{owner}\",\"userId\":\"{user}\",\"minutes\":0}", As.Backend, 400, "minutes" },
        { "POST", "/api/v1/rooms/{room}/boots", "{\"actorId\":\"{owner}\",\"userId\":\"{user}\",\"minutes\":10081}", As.Backend, 400, "minutes" },
        { "POST", "/api/v1/rooms/{room}/boots", "{\"actorId\":\"{owner}\",\"userId\":\"{user}\",\"minutes\":\"ten\"}", As.Backend, 400, "minutes" },
        { "POST", "/api/v1/rooms/{room}/boots", "{\"actorId\":\"{owner}\",\"userId\":\"{user}\",\"minutes\":99999999999}", As.Backend, 400, "minutes" },
        { "DELETE", "/api/v1/rooms/{room}/boots/{user}", null, As.Backend, 400, "actorId" },
        { "POST", "/api/v1/flags", Flag("\"reason\":\"rude\""), As.Backend, 400, "reason" },
        { "POST", "/api/v1/flags", Flag("\"reason\":\"Harassment\""), As.Backend, 400, "reason" },
        { "POST", "/api/v1/flags", Flag("\"reason\":\"hate, spam\""), As.Backend, 400, "reason" },
        { "POST", "/api/v1/flags", Flag("\"reason\":3"), As.Backend, 400, "reason" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"reason\":\"spam\"}", As.Backend, 400, "target" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"email\",\"id\":\"x\",\"ownerId\":\"{user}\"},\"reason\":\"spam\"}", As.Backend, 400, "target.type" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"roomId\":\"{room}\"},\"reason\":\"spam\"}", As.Backend, 400, "target.type" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"chat\"},\"reason\":\"spam\"}", As.Backend, 400, "target.roomId" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"chat\",\"roomId\":\"{room}\",\"messageSeq\":\"1\"},\"reason\":\"spam\"}", As.Backend, 400, "target.messageSeq" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"chat\",\"roomId\":\"{room}\",\"messageSeq\":0},\"reason\":\"spam\"}", As.Backend, 400, "target.messageSeq" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"{user}\",\"target\":{\"type\":\"chat\",\"roomId\":\"{room}\",\"accusedUserId\":\"{user}\"},\"reason\":\"spam\"}", As.Backend, 400, "target.accusedUserId" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"chat\",\"roomId\":\"{room}\",\"content\":{\"text\":\"x\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.content" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"private_message\",\"ownerId\":\"{user}\",\"content\":{\"text\":\"x\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.id" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"private_message\",\"id\":\"pm1\",\"content\":{\"text\":\"x\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.ownerId" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"avatar_photo\",\"id\":\"a1\",\"ownerId\":\"{user}\"},\"reason\":\"spam\"}", As.Backend, 400, "target.content" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"feed_photo\",\"id\":\"p1\",\"ownerId\":\"{user}\",\"content\":{\"mediaUrl\":\"javascript:alert(1)\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.content.mediaUrl" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"{user}\",\"target\":{\"type\":\"user_profile\",\"id\":\"p1\",\"ownerId\":\"{user}\",\"content\":{\"text\":\"me\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.ownerId" },
        { "POST", "/api/v1/flags", "{\"reporterId\":\"r1\",\"target\":{\"type\":\"private_message\",\"id\":\"pm1\",\"ownerId\":\"{user}\",\"roomId\":\"{room}\",\"content\":{\"text\":\"x\"}},\"reason\":\"spam\"}", As.Backend, 400, "target.roomId" },
        { "POST", "/api/v1/flags", Flag("\"reason\":\"spam\",\"comment\":\"esc \\u001b[31m\""), As.Backend, 400, "comment" },
        { "POST", "/api/v1/flags", $"{{\"reporterId\":\"{LongId}\",\"target\":{{\"type\":\"chat\",\"roomId\":\"{{room}}\"}},\"reason\":\"spam\"}}", As.Backend, 400, "reporterId" },
        { "GET", "/api/v1/flags/flag_x", null, As.Backend, 400, "reporterId" },
        { "GET", "/api/v1/flags/bad%20flag?reporterId=r1", null, As.Backend, 400, "flagId" },
        { "POST", "/api/v1/users/{user}/appeals", "{\"sanctionId\":\"s1\"}", As.Backend, 400, "text" },
        { "POST", "/api/v1/users/{user}/appeals", "{\"sanctionId\":\"s 1\",\"text\":\"unfair\"}", As.Backend, 400, "sanctionId" },
        { "GET", $"/api/v1/users/{LongId}/standing", null, As.Backend, 400, "userId" },
        { "POST", "/api/v1/agents", "{\"agentId\":\"{user}\",\"password\":\"short\",\"roles\":[\"agent\"]}", As.Backend, 400, "password" },
        { "POST", "/api/v1/agents", "{\"agentId\":\"{user}\",\"password\":\"long-enough-password\",\"roles\":[\"boss\"]}", As.Backend, 400, "roles[0]" },
        { "POST", "/api/v1/agents", "{\"agentId\":\"{user}\",\"password\":\"long-enough-password\",\"roles\":[]}", As.Backend, 400, "roles" },
        { "POST", "/api/v1/agent/login", "{\"agentId\":\"{user}\"}", As.Backend, 400, "password" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"guilty\"}", As.Agent, 400, "outcome" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"violation\",\"sanction\":{\"kind\":\"jail\"}}", As.Agent, 400, "sanction.kind" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"no_violation\",\"sanction\":{\"kind\":\"warning\"}}", As.Agent, 400, "sanction" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"violation\",\"sanction\":{\"kind\":\"mute\",\"durationMinutes\":0}}", As.Agent, 400, "sanction.durationMinutes" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"violation\",\"sanction\":{\"kind\":\"ban\",\"durationMinutes\":60}}", As.Agent, 400, "sanction.durationMinutes" },
        { "POST", "/api/v1/cases/case_x/decision", "{\"outcome\":\"violation\",\"reason\":\"meanness\"}", As.Agent, 400, "reason" },
        { "GET", "/api/v1/cases/bad%20case", null, As.Agent, 400, "caseId" },
        { "POST", "/api/v1/cases/case_x/reporters/reveal", "{\"why\":\"\"}", As.Admin, 400, "why" },
        { "POST", "/api/v1/cases/case_x/reporters/reveal", "{\"why\":\"   \"}", As.Admin, 400, "why" },
        { "POST", "/api/v1/cases/case_x/reporters/reveal", "{}", As.Admin, 400, "why" },
        { "POST", "/api/v1/appeals/appeal_x/decision", "{\"outcome\":\"maybe\",\"response\":\"hm\"}", As.Senior, 400, "outcome" },
        { "POST", "/api/v1/appeals/appeal_x/decision", "{\"outcome\":\"upheld\"}", As.Senior, 400, "response" },
        { "GET", "/api/v1/audit?limit=0", null, As.Admin, 400, "limit" },
        { "GET", "/api/v1/audit?caseId=bad%20id", null, As.Agent, 400, "caseId" },
        { "GET", "/api/v1/reports/transparency?from=yesterday", null, As.Agent, 400, "from" },
        { "GET", "/api/v1/reports/transparency?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", null, As.Agent, 400, "from" },
    };

    private static string Flag(string reasonAndMore) =>
        "{\"reporterId\":\"r1\",\"target\":{\"type\":\"chat\",\"roomId\":\"{room}\"}," + reasonAndMore + "}";

    public async Task InitializeAsync()
    {
        using var backend = factory.Backend();
        _room = Ids.New("room");
        _owner = Ids.New("owner");
        _user = Ids.New("user");
        await backend.ConfigureRoomAsync(_room, _owner);
        await backend.PostMessageAsync(_room, _user, "hello");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_a_4xx_problem_naming_the_field_and_changes_nothing(
        string method, string url, string? body, As caller, int status, string? field)
    {
        var before = await SnapshotAsync();
        var exceptionsBefore = factory.LoggedExceptions.Count;

        using var client = caller == As.Backend ? factory.Backend() : await factory.SharedAsync(caller.ToString().ToLowerInvariant());
        using var request = new HttpRequestMessage(new HttpMethod(method), Fill(url));
        if (body is not null)
        {
            request.Content = HttpAssertions.Json(Fill(body));
        }
        var response = await client.SendAsync(request);
        var problem = await response.ShouldBeProblem((HttpStatusCode)status, field);
        if (field is not null)
        {
            Assert.Contains(field, problem.Str("detail"), StringComparison.Ordinal);
        }

        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(exceptionsBefore, factory.LoggedExceptions.Count);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_and_changes_nothing()
    {
        var before = await SnapshotAsync();
        using var backend = factory.Backend();
        var huge = "{\"userId\":\"" + _user + "\",\"text\":\"" + new string('x', 70_000) + "\"}";
        var response = await backend.PostRawAsync($"/api/v1/rooms/{_room}/messages", huge);
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_refused()
    {
        using var backend = factory.Backend();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/rooms/{_room}/messages")
        {
            Content = JsonContent.Create(new { userId = _user, text = "hi" }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "not a valid key!");
        var before = await SnapshotAsync();
        await (await backend.SendAsync(request)).ShouldBeProblem(HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var backend = factory.Backend();
        var response = await backend.PostAsync($"/api/v1/rooms/{_room}/messages", new StringContent("userId=u&text=hi", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await response.ShouldBeProblem(HttpStatusCode.UnsupportedMediaType);
    }

    private string Fill(string template) => template.Replace("{room}", _room, StringComparison.Ordinal)
        .Replace("{owner}", _owner, StringComparison.Ordinal)
        .Replace("{user}", _user, StringComparison.Ordinal);

    /// <summary>Everything a bad request could have touched, as comparable text.</summary>
    private async Task<string> SnapshotAsync()
    {
        using var backend = factory.Backend();
        using var admin = await factory.SharedAsync("admin");
        var standing = await backend.GetJsonAsync($"/api/v1/users/{_user}/standing");
        var messages = await backend.GetJsonAsync($"/api/v1/rooms/{_room}/messages?limit=200");
        var history = await admin.GetJsonAsync($"/api/v1/users/{_user}/history");
        var audit = await admin.GetJsonAsync($"/api/v1/audit?userId={_user}");
        var queue = await admin.GetJsonAsync("/api/v1/agent/queue");
        var queueShape = $"{queue["open"]}/{queue["claimed"]}/" + string.Join(",", queue["items"]!.AsArray().Select(i => i.Str("caseId") + ":" + i.Str("status")));
        return string.Join("\n", standing.ToJsonString(), messages.ToJsonString(), history.ToJsonString(), audit.ToJsonString(), queueShape);
    }
}
