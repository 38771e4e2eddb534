using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>
/// Every route × every kind of caller. A caller without credentials gets 401; a caller whose credentials do not
/// grant the route gets 403; an allowed caller gets through authorization (2xx where the test can set the
/// resource up, else the route's own 404/409).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class AuthorizationMatrixTests(GatewayFactory factory)
{
    public enum Caller { None, Backend, Agent, Senior, Admin }

    private const Caller B = Caller.Backend, A = Caller.Agent, S = Caller.Senior, Ad = Caller.Admin;

    /// <summary>A route: who may call it, how to build the request (setting up what it needs), and what success is.</summary>
    private sealed record Route(Caller[] Allowed, Func<HttpClient, Task<HttpRequestMessage>> Build, params HttpStatusCode[] Success);

    private static readonly Dictionary<string, Route> Routes = new()
    {
        ["PUT room"] = new([B], backend => Done(Put($"/api/v1/rooms/{Ids.New("room")}", new { ownerId = Ids.New("owner") })), HttpStatusCode.OK),
        ["POST moderator"] = new([B], async backend =>
        {
            var (room, owner) = await RoomAsync(backend);
            return Post($"/api/v1/rooms/{room}/moderators", new { actorId = owner, userId = Ids.New("mod") });
        }, HttpStatusCode.NoContent),
        ["DELETE moderator"] = new([B], async backend =>
        {
            var mod = Ids.New("mod");
            var (room, owner) = await RoomAsync(backend, mod);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/rooms/{room}/moderators/{mod}?actorId={owner}");
        }, HttpStatusCode.NoContent),
        ["POST message"] = new([B], async backend =>
        {
            var (room, _) = await RoomAsync(backend);
            return Post($"/api/v1/rooms/{room}/messages", new { userId = Ids.New("user"), text = "hi" });
        }, HttpStatusCode.Created),
        ["GET messages"] = new([B], async backend =>
        {
            var (room, _) = await RoomAsync(backend);
            return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/rooms/{room}/messages?limit=10");
        }, HttpStatusCode.OK),
        ["POST boot"] = new([B], async backend =>
        {
            var (room, owner) = await RoomAsync(backend);
            return Post($"/api/v1/rooms/{room}/boots", new { actorId = owner, userId = Ids.New("user"), minutes = 5 });
        }, HttpStatusCode.Created),
        ["DELETE boot"] = new([B], async backend =>
        {
            var (room, owner) = await RoomAsync(backend);
            var user = Ids.New("user");
            await (await backend.PostAsJsonAsync($"/api/v1/rooms/{room}/boots", new { actorId = owner, userId = user })).ShouldBe(HttpStatusCode.Created);
            return new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/rooms/{room}/boots/{user}?actorId={owner}");
        }, HttpStatusCode.NoContent),
        ["POST flag"] = new([B], backend => Done(Post("/api/v1/flags", new
        {
            reporterId = Ids.New("reporter"),
            target = new { type = "feed_comment", id = Ids.New("comment"), ownerId = Ids.New("owner"), content = new { text = "rude" } },
            reason = "harassment",
        })), HttpStatusCode.Accepted),
        ["GET flag"] = new([B], async backend =>
        {
            var reporter = Ids.New("reporter");
            var flagId = await backend.FlagProfileAsync(reporter, Ids.New("owner"));
            return new HttpRequestMessage(HttpMethod.Get, $"/api/v1/flags/{flagId}?reporterId={reporter}");
        }, HttpStatusCode.OK),
        ["GET standing"] = new([B], _ => Done(Get($"/api/v1/users/{Ids.New("user")}/standing")), HttpStatusCode.OK),
        ["GET notices"] = new([B], _ => Done(Get($"/api/v1/users/{Ids.New("user")}/notices")), HttpStatusCode.OK),
        ["POST appeal"] = new([B], _ => Done(Post($"/api/v1/users/{Ids.New("user")}/appeals", new { sanctionId = "sanction_none", text = "unfair" })), HttpStatusCode.NotFound),
        ["GET appeal"] = new([B], _ => Done(Get($"/api/v1/users/{Ids.New("user")}/appeals/appeal_none")), HttpStatusCode.NotFound),
        ["GET history"] = new([A, S, Ad], _ => Done(Get($"/api/v1/users/{Ids.New("user")}/history")), HttpStatusCode.OK),
        ["POST agents"] = new([B, Ad], async _ =>
        {
            var agentId = Ids.New("agent");
            return Post("/api/v1/agents", new { agentId, password = GatewayFactory.PasswordOf(agentId), roles = new[] { "agent" } });
        }, HttpStatusCode.Created),
        ["PATCH agent"] = new([Ad], async backend =>
        {
            var agentId = Ids.New("agent");
            await (await backend.PostAsJsonAsync("/api/v1/agents", new { agentId, password = GatewayFactory.PasswordOf(agentId), roles = new[] { "agent" } }))
                .ShouldBe(HttpStatusCode.Created);
            return new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/agents/{agentId}") { Content = JsonContent.Create(new { roles = new[] { "senior" } }) };
        }, HttpStatusCode.OK),
        ["GET me"] = new([A, S, Ad], _ => Done(Get("/api/v1/agent/me")), HttpStatusCode.OK),
        ["GET queue"] = new([A, S, Ad], _ => Done(Get("/api/v1/agent/queue")), HttpStatusCode.OK),
        ["POST claim case"] = new([A, S, Ad], _ => Done(Post("/api/v1/agent/claims", null)), HttpStatusCode.OK, HttpStatusCode.NoContent),
        ["GET case"] = new([A, S, Ad], _ => Done(Get("/api/v1/cases/case_none")), HttpStatusCode.NotFound),
        ["POST renew"] = new([A, S, Ad], _ => Done(Post("/api/v1/cases/case_none/renew", null)), HttpStatusCode.NotFound, HttpStatusCode.Conflict),
        ["POST release"] = new([A, S, Ad], _ => Done(Post("/api/v1/cases/case_none/release", null)), HttpStatusCode.NotFound, HttpStatusCode.Conflict),
        ["POST decision"] = new([A, S, Ad], _ => Done(Post("/api/v1/cases/case_none/decision", new { outcome = "no_violation" })), HttpStatusCode.NotFound, HttpStatusCode.Conflict),
        ["POST reveal"] = new([Ad], _ => Done(Post("/api/v1/cases/case_none/reporters/reveal", new { why = "audit" })), HttpStatusCode.NotFound),
        ["POST claim appeal"] = new([S, Ad], _ => Done(Post("/api/v1/agent/appeals/claims", null)), HttpStatusCode.OK, HttpStatusCode.NoContent),
        ["POST appeal decision"] = new([S, Ad], _ => Done(Post("/api/v1/appeals/appeal_none/decision", new { outcome = "upheld", response = "stays" })), HttpStatusCode.NotFound, HttpStatusCode.Conflict),
        ["GET audit"] = new([A, S, Ad], _ => Done(Get($"/api/v1/audit?userId={Ids.New("user")}")), HttpStatusCode.OK),
        ["GET transparency"] = new([A, S, Ad], _ => Done(Get("/api/v1/reports/transparency")), HttpStatusCode.OK),
        ["GET orleans dashboard"] = new([Ad], _ => Done(Get("/dashboard/version")), HttpStatusCode.OK),
    };

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var route in Routes.Keys)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(route, caller);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route_answers_by_caller(string routeName, Caller caller)
    {
        var route = Routes[routeName];
        using var backend = factory.Backend();
        using var request = await route.Build(backend);
        using var client = await ClientFor(caller);
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        if (caller == Caller.None)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{routeName} without credentials: {(int)response.StatusCode} {body}");
        }
        else if (!route.Allowed.Contains(caller))
        {
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{routeName} as {caller}: {(int)response.StatusCode} {body}");
        }
        else
        {
            Assert.True(route.Success.Contains(response.StatusCode), $"{routeName} as {caller}: {(int)response.StatusCode} {body}");
        }
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        await CleanUpClaims(routeName, response, client);
    }

    private async Task<HttpClient> ClientFor(Caller caller) => caller switch
    {
        Caller.None => factory.Anonymous(),
        Caller.Backend => factory.Backend(),
        Caller.Agent => await factory.SharedAsync("agent"),
        Caller.Senior => await factory.SharedAsync("senior"),
        _ => await factory.SharedAsync("admin"),
    };

    /// <summary>Whatever the matrix claimed goes back, so it does not sit on another test's case or appeal.</summary>
    private static async Task CleanUpClaims(string routeName, HttpResponseMessage response, HttpClient client)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return;
        }
        if (routeName == "POST claim case")
        {
            var caseId = (await response.ShouldBe(HttpStatusCode.OK)).Str("caseId");
            await (await client.PostAsync($"/api/v1/cases/{caseId}/release", null)).ShouldBe(HttpStatusCode.NoContent);
        }
        else if (routeName == "POST claim appeal")
        {
            var appealId = (await response.ShouldBe(HttpStatusCode.OK)).Str("appealId");
            await (await client.PostAsJsonAsync($"/api/v1/appeals/{appealId}/decision", new { outcome = "upheld", response = "cleared by the matrix" }))
                .ShouldBe(HttpStatusCode.OK);
        }
    }

    private static async Task<(string Room, string Owner)> RoomAsync(HttpClient backend, params string[] moderators)
    {
        var room = Ids.New("room");
        var owner = Ids.New("owner");
        await backend.ConfigureRoomAsync(room, owner, moderators);
        return (room, owner);
    }

    private static Task<HttpRequestMessage> Done(HttpRequestMessage request) => Task.FromResult(request);

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Put(string url, object body) => new(HttpMethod.Put, url) { Content = JsonContent.Create(body) };

    private static HttpRequestMessage Post(string url, object? body) =>
        new(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
}
