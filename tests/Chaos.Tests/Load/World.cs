using System.Globalization;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>An agent account with its bearer token (tokens survive gateway restarts: the signing key is configuration).</summary>
public sealed record Agent(string Id, string Token);

/// <summary>
/// The population of one chaos run, created once through the API: rooms with owners, chatters, users to be accused
/// on their profiles, agents, and the admin's token for the verifier. Ids carry the run id, so a run never meets
/// another's data.
/// </summary>
public sealed class World
{
    public const string AgentPassword = "chaos-agent-password-1";

    private static readonly string[] AgentRoles = ["agent"];
    private int _agents;

    private World(string runId, Retrier retrier, Ledger ledger)
    {
        RunId = runId;
        Retrier = retrier;
        Ledger = ledger;
        Rooms = Enumerable.Range(0, 40).Select(i => $"room-{runId}-{i:00}").ToArray();
        Chatters = Enumerable.Range(0, 60).Select(i => $"chat-{runId}-{i:00}").ToArray();
        Accused = Enumerable.Range(0, 30).Select(i => $"acc-{runId}-{i:00}").ToArray();
    }

    public string RunId { get; }

    public Retrier Retrier { get; }

    public Http Http => Retrier.Http;

    public Ledger Ledger { get; }

    public IReadOnlyList<string> Rooms { get; }

    public IReadOnlyList<string> Chatters { get; }

    /// <summary>Users flagged on their profiles; they never chat, so the mutes they get never refuse the chat load.</summary>
    public IReadOnlyList<string> Accused { get; }

    public IReadOnlyList<Agent> Agents { get; private set; } = [];

    public string AdminToken { get; private set; } = "";

    public static async Task<World> CreateAsync(Retrier retrier, Ledger ledger, string runId, string adminId, string adminPassword)
    {
        var world = new World(runId, retrier, ledger);
        var login = await world.Definite("login", new ApiRequest(HttpMethod.Post, "/api/v1/agent/login", new { agentId = adminId, password = adminPassword }));
        world.AdminToken = login.Text("accessToken");
        await Task.WhenAll(world.Rooms.Select((room, i) => world.Definite("room", new ApiRequest(HttpMethod.Put, $"/api/v1/rooms/{room}",
            new { ownerId = $"owner-{runId}-{i:00}", name = $"Chaos room {i}" }))));
        world.Agents = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => world.NewAgentAsync("agent")));
        return world;
    }

    /// <summary>A new agent account, logged in.</summary>
    public async Task<Agent> NewAgentAsync(string prefix)
    {
        var id = $"{prefix}-{RunId}-{Interlocked.Increment(ref _agents).ToString(CultureInfo.InvariantCulture)}";
        await Definite("agent", new ApiRequest(HttpMethod.Post, "/api/v1/agents", new { agentId = id, password = AgentPassword, roles = AgentRoles }));
        var login = await Definite("login", new ApiRequest(HttpMethod.Post, "/api/v1/agent/login", new { agentId = id, password = AgentPassword }));
        return new Agent(id, login.Text("accessToken"));
    }

    /// <summary>Sends with retries and insists on a 2xx.</summary>
    public async Task<ApiResult> Definite(string operation, ApiRequest request)
    {
        var result = await Retrier.SendAsync(operation, request);
        return result.IsSuccess ? result : throw new InvalidOperationException($"{operation} {request.Method} {request.Path} answered {result}");
    }
}
