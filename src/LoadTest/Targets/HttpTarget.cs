using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrleansSafety.LoadTest.Targets;

/// <summary>The gateway's HTTP API (docs/API.md), as a game backend with an API key and as agents with tokens.</summary>
public sealed class HttpTarget : IModerationTarget
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>Flags, boots, appeals, set-up and verification: a few requests in flight at the rates the tool drives.</summary>
    private const int BackendConnections = 64;

    // Chat (and the ceilings' no-ops and pings), the backend's other calls, and the agents each have a connection
    // pool of their own, as they would in production: a game backend's flags do not wait behind its chat posts in its
    // own client, and every agent is a browser. With one shared pool, a chat backlog at a fixed rate (up to
    // --max-in-flight posts waiting for a connection) held flags and agents' claims in the tool for as long, and the
    // report blamed that on the server.
    private readonly HttpClient _chat;
    private readonly HttpClient _backend;
    private readonly HttpClient _agents;
    private readonly string _apiKey;

    /// <param name="chatConnections">The closed-loop concurrency: one connection per request in flight.</param>
    /// <param name="agentConnections">The agents, who hold a request each.</param>
    public HttpTarget(Uri gateway, string apiKey, int chatConnections, int agentConnections)
    {
        _chat = Client(gateway, chatConnections);
        _backend = Client(gateway, BackendConnections);
        _agents = Client(gateway, agentConnections);
        _apiKey = apiKey;
        Description = $"HTTP {gateway}";
    }

    private static HttpClient Client(Uri gateway, int connections)
    {
        // Sized to what is sent on it: a request never waits for a connection that the measurement would then blame
        // on the server. No cookies (agents use bearer tokens), no redirects, no proxy.
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = Math.Max(connections, 16),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        return new HttpClient(handler)
        {
            BaseAddress = new Uri(gateway, "/api/v1/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public string Description { get; }

    public Task ConfigureRoomAsync(string roomId, string ownerId, IReadOnlyList<string> moderatorIds, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"rooms/{roomId}", new RoomBody(ownerId, moderatorIds, null), HttpJson.Default.RoomBody, null, ct);

    public async Task<PostAck> PostMessageAsync(string roomId, string userId, string text, CancellationToken ct)
    {
        var posted = await SendAsync(HttpMethod.Post, $"rooms/{roomId}/messages", new PostBody(userId, text), HttpJson.Default.PostBody, HttpJson.Default.PostedBody, null, ct, chat: true);
        return new PostAck(posted!.Seq);
    }

    public async Task<IReadOnlyList<MessageRow>> GetMessagesAsync(string roomId, long? beforeSeq, int limit, CancellationToken ct)
    {
        var query = beforeSeq is { } before ? $"?before={before}&limit={limit}" : $"?limit={limit}";
        var page = await GetAsync($"rooms/{roomId}/messages{query}", HttpJson.Default.MessagesBody, null, ct);
        return page!.Messages.Select(m => new MessageRow(m.Seq, m.UserId, m.Text)).ToList();
    }

    public async Task<string> FileFlagAsync(FlagSpec flag, CancellationToken ct)
    {
        var f = flag;
        var content = f.ContentText is null && f.MediaUrl is null ? null : new FlagContentBody(f.ContentText, f.MediaUrl);
        var body = new FlagBody(f.ReporterId, new FlagTargetBody(f.TargetType, f.ItemId, f.RoomId, f.MessageSeq, f.AccusedUserId, f.OwnerId, content), f.Reason, f.Comment);
        var accepted = await SendAsync(HttpMethod.Post, "flags", body, HttpJson.Default.FlagBody, HttpJson.Default.FlagAcceptedBody, null, ct);
        return accepted!.FlagId;
    }

    public async Task<string> GetFlagStatusAsync(string flagId, string reporterId, CancellationToken ct) =>
        (await GetAsync($"flags/{flagId}?reporterId={Uri.EscapeDataString(reporterId)}", HttpJson.Default.FlagStatusBody, null, ct))!.Status;

    public async Task<string> BootAsync(string roomId, string actorId, string userId, int minutes, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, $"rooms/{roomId}/boots", new BootBody(actorId, userId, minutes, "load test"), HttpJson.Default.BootBody, HttpJson.Default.BootedBody, null, ct))!.BootId;

    public async Task<string> FileAppealAsync(string userId, string sanctionId, string text, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Post, $"users/{userId}/appeals", new AppealBody(sanctionId, text), HttpJson.Default.AppealBody, HttpJson.Default.AppealFiledBody, null, ct))!.AppealId;

    public async Task CreateAgentAsync(string agentId, string password, string role, CancellationToken ct)
    {
        try
        {
            await SendAsync(HttpMethod.Post, "agents", new CreateAgentBody(agentId, password, [role]), HttpJson.Default.CreateAgentBody, null, ct);
        }
        catch (OpException e) when (e.Kind == "conflict")
        {
            // Already there from an earlier run with the same run id: fine.
        }
    }

    public async Task<IAgentSession> SignInAsync(string agentId, string password, CancellationToken ct)
    {
        var token = await SendAsync(HttpMethod.Post, "agent/login", new LoginBody(agentId, password), HttpJson.Default.LoginBody, HttpJson.Default.TokenBody, null, ct, authenticate: false);
        return new HttpAgentSession(this, agentId, new AuthenticationHeaderValue("Bearer", token!.AccessToken));
    }

    public Task NoopAsync(CancellationToken ct) =>
        SendAsync<PostBody, ProblemBody>(HttpMethod.Post, "bench/noop", new PostBody("bench-user", "bench text of a typical chat line length"), HttpJson.Default.PostBody, null, null, ct, chat: true);

    public Task PingAsync(string key, CancellationToken ct) =>
        SendAsync<PostBody, ProblemBody>(HttpMethod.Post, $"bench/ping/{key}", new PostBody("bench-user", "bench text of a typical chat line length"), HttpJson.Default.PostBody, null, null, ct, chat: true);

    public ValueTask DisposeAsync()
    {
        _chat.Dispose();
        _backend.Dispose();
        _agents.Dispose();
        return ValueTask.CompletedTask;
    }

    internal Task SendAsync<TBody>(HttpMethod method, string path, TBody body, JsonTypeInfo<TBody> bodyType, AuthenticationHeaderValue? bearer, CancellationToken ct) =>
        SendAsync<TBody, ProblemBody>(method, path, body, bodyType, null, bearer, ct);

    /// <summary>Sends a JSON body; answers the parsed reply (null for 204 or when no reply type is given).</summary>
    internal async Task<TReply?> SendAsync<TBody, TReply>(
        HttpMethod method,
        string path,
        TBody? body,
        JsonTypeInfo<TBody>? bodyType,
        JsonTypeInfo<TReply>? replyType,
        AuthenticationHeaderValue? bearer,
        CancellationToken ct,
        bool authenticate = true,
        bool chat = false)
        where TReply : class
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = bearer;
        }
        else if (authenticate)
        {
            request.Headers.Add("X-Api-Key", _apiKey);
        }
        if (body is not null && bodyType is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, bodyType));
            request.Content.Headers.ContentType = Json;
        }
        return await ExchangeAsync(chat ? _chat : PoolFor(bearer), request, replyType, ct);
    }

    internal async Task<TReply?> GetAsync<TReply>(string path, JsonTypeInfo<TReply> replyType, AuthenticationHeaderValue? bearer, CancellationToken ct)
        where TReply : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = bearer;
        }
        else
        {
            request.Headers.Add("X-Api-Key", _apiKey);
        }
        return await ExchangeAsync(PoolFor(bearer), request, replyType, ct);
    }

    /// <summary>An agent's requests carry its token; everything else without one is the backend's.</summary>
    private HttpClient PoolFor(AuthenticationHeaderValue? bearer) => bearer is null ? _backend : _agents;

    private static async Task<TReply?> ExchangeAsync<TReply>(HttpClient client, HttpRequestMessage request, JsonTypeInfo<TReply>? replyType, CancellationToken ct)
        where TReply : class
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, ct);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new OpException("timeout", refused: false, "The request timed out.", e);
        }
        catch (HttpRequestException e)
        {
            throw new OpException("connection", refused: false, e.Message, e);
        }
        using (response)
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return response.StatusCode == HttpStatusCode.NoContent || replyType is null || bytes.Length == 0
                    ? null
                    : JsonSerializer.Deserialize(bytes, replyType);
            }
            throw Failure(response.StatusCode, bytes);
        }
    }

    /// <summary>Refusals are the statuses a correct system gives a correct client under load (403 chat refusals, 409, 429).</summary>
    private static OpException Failure(HttpStatusCode status, byte[] body)
    {
        ProblemBody? problem = null;
        try
        {
            problem = body.Length > 0 ? JsonSerializer.Deserialize(body, HttpJson.Default.ProblemBody) : null;
        }
        catch (JsonException)
        {
            // Not a problem document: classified by status alone.
        }
        // Problem types are "urn:orleans-safety:problem:{slug}"; the slug is what the report counts by.
        var slug = problem?.Type is { } type ? type[(type.LastIndexOfAny([':', '/']) + 1)..] : null;
        var code = (int)status;
        return code switch
        {
            403 when slug is not null && slug.StartsWith("user-", StringComparison.Ordinal) => new OpException(slug, true, problem!.Detail ?? slug),
            409 => new OpException("conflict", true, problem?.Detail ?? "conflict"),
            429 => new OpException("rate-limited", true, problem?.Detail ?? "rate limited"),
            _ => new OpException($"http-{code}", false, $"{code} {problem?.Title}: {problem?.Detail}"),
        };
    }
}
