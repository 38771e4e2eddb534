using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Auth;

namespace OrleansSafety.Gateway.Hosting;

/// <summary>
/// With <c>--demo</c> (or <c>Gateway:Demo=true</c>): a few rooms, some chat, flags and agents, created through the
/// grains exactly as API calls would, so that the dashboard and the queue have something to show.
/// </summary>
internal sealed partial class DemoSeeder(
    IGrainFactory grains,
    AgentPasswords passwords,
    IOptions<GatewayOptions> options,
    ILogger<DemoSeeder> logger) : BackgroundService
{
    private static readonly (string User, string Text)[] LobbyChat =
    [
        ("alice", "hi all, anyone up for a race?"),
        ("bob", "sure, give me a minute"),
        ("troll-42", "nobody wants you here alice"),
        ("alice", "ok..."),
        ("troll-42", "seriously, log off and never come back"),
        ("carol", "hey, not cool"),
        ("troll-42", "cheap coins at totally-legit-coins dot example, dm me"),
        ("bob", "ready!"),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var demo = options.Value;
        if (!demo.Demo)
        {
            return;
        }
        try
        {
            await SeedAgentsAsync(demo.DemoAgentPassword);
            var lobby = grains.Get<IRoomGrain>("lobby");
            if (await lobby.GetAsync() is { LastSeq: > 0 })
            {
                LogAlreadySeeded(logger);
                return;
            }
            await lobby.ConfigureAsync(new RoomSettings("owner-olga", ["mod-max"], "Lobby"));
            var arcade = grains.Get<IRoomGrain>("arcade");
            await arcade.ConfigureAsync(new RoomSettings("owner-oscar", [], "Arcade"));

            var seqs = new List<long>();
            foreach (var (user, text) in LobbyChat)
            {
                seqs.Add((await lobby.PostAsync(new ChatPost(user, text))).Seq);
            }
            await arcade.PostAsync(new ChatPost("dave", "anyone seen the new track?"));
            await arcade.BootAsync(new BootRequest("owner-oscar", "spammer-7", 30, "flooding the room"));

            var desk = grains.Get<IFlagDeskGrain>(0);
            await desk.FileAsync(new FlagSubmission("alice", new FlagTarget(TargetType.Chat, RoomId: "lobby", MessageSeq: seqs[2]), FlagReason.Harassment, "keeps telling me to leave"));
            await desk.FileAsync(new FlagSubmission("carol", new FlagTarget(TargetType.Chat, RoomId: "lobby", MessageSeq: seqs[4]), FlagReason.Harassment, null));
            await desk.FileAsync(new FlagSubmission("bob", new FlagTarget(TargetType.Chat, RoomId: "lobby", MessageSeq: seqs[6]), FlagReason.Scam, "coin seller"));
            await desk.FileAsync(new FlagSubmission("erin",
                new FlagTarget(TargetType.UserProfile, Id: "profile-frank", OwnerId: "frank", Content: new FlagContent("Official Game Staff - send me your password", null)),
                FlagReason.Impersonation, "pretends to be staff"));
            await desk.FileAsync(new FlagSubmission("gina",
                new FlagTarget(TargetType.AvatarPhoto, Id: "avatar-hank-3", OwnerId: "hank", Content: new FlagContent(null, "https://cdn.example.invalid/avatars/hank-3.png")),
                FlagReason.SexualContent, null));
            LogSeeded(logger);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            // Demo data is a convenience: never take the gateway down for it.
            LogFailed(logger, e.GetType().Name, e.Message);
        }
    }

    private async Task SeedAgentsAsync(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            LogNoAgents(logger);
            return;
        }
        foreach (var (agentId, roles) in new[] { ("demo-agent", AgentRoles.Agent), ("demo-senior", AgentRoles.Agent | AgentRoles.Senior) })
        {
            var agent = grains.Get<IAgentGrain>(agentId);
            if (await agent.GetCredentialsAsync() is null)
            {
                await agent.CreateAsync(new AgentRegistration(roles, passwords.Hash(password), "demo"));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data seeded: rooms lobby and arcade, chat, five flags, agents demo-agent and demo-senior.")]
    private static partial void LogSeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo data already present; not seeding again.")]
    private static partial void LogAlreadySeeded(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway:DemoAgentPassword is not set; demo agents are not created.")]
    private static partial void LogNoAgents(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo seeding failed: {ExceptionType}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string exceptionType, string reason);
}
