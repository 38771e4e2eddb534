using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using OrleansSafety.Persistence;

namespace OrleansSafety.LoadTest.Targets;

/// <summary>
/// The cluster straight from an Orleans client: the same operations as <see cref="HttpTarget"/> minus HTTP,
/// JSON, authentication and the gateway's limits. Comparing the two shows what the HTTP layer costs.
/// </summary>
public sealed class OrleansTarget : IModerationTarget
{
    private readonly IHost _host;

    private OrleansTarget(IHost host, string description)
    {
        _host = host;
        Description = description;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public string Description { get; }

    internal IClusterClient Grains { get; }

    /// <summary>Connects through the PostgreSQL membership table when given, else to a localhost silo.</summary>
    public static async Task<OrleansTarget> ConnectAsync(string? postgres, string? clusterId, string? serviceId, int gatewayPort, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{ModerationStorageExtensions.ConnectionStringName}"] = postgres };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            if (ModerationStorageExtensions.HasPostgres(configuration))
            {
                client.UseModerationClustering(configuration);
            }
            else
            {
                client.UseLocalhostClustering(gatewayPort);
            }
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = clusterId ?? o.ClusterId;
                o.ServiceId = serviceId ?? o.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
        });
        var host = builder.Build();
        await host.StartAsync(ct);
        var where = postgres is null ? $"localhost:{gatewayPort}" : $"cluster '{clusterId}' (PostgreSQL membership)";
        return new OrleansTarget(host, $"Orleans client of {where}");
    }

    public async Task ConfigureRoomAsync(string roomId, string ownerId, IReadOnlyList<string> moderatorIds, CancellationToken ct) =>
        await Call(() => Grains.Get<IRoomGrain>(roomId).ConfigureAsync(new RoomSettings(ownerId, moderatorIds, null)));

    public async Task<PostAck> PostMessageAsync(string roomId, string userId, string text, CancellationToken ct)
    {
        var result = await Call(() => Grains.Get<IRoomGrain>(roomId).PostAsync(new ChatPost(userId, text)));
        return result.RefusedBecause is { } refusal
            ? throw new OpException(WireNames.ToWire(refusal).Replace('_', '-'), refused: true, $"refused: {refusal}")
            : new PostAck(result.Seq);
    }

    public async Task<IReadOnlyList<MessageRow>> GetMessagesAsync(string roomId, long? beforeSeq, int limit, CancellationToken ct)
    {
        var messages = await Call(() => Grains.Get<IRoomGrain>(roomId).GetMessagesAsync(beforeSeq, limit));
        return messages.Select(m => new MessageRow(m.Seq, m.UserId, m.Text)).ToList();
    }

    public async Task<string> FileFlagAsync(FlagSpec flag, CancellationToken ct)
    {
        var f = flag;
        var content = f.ContentText is null && f.MediaUrl is null ? null : new FlagContent(f.ContentText, f.MediaUrl);
        var target = new FlagTarget(Parse<TargetType>(f.TargetType), f.ItemId, f.RoomId, f.MessageSeq, f.AccusedUserId, f.OwnerId, content);
        var receipt = await Call(() => Grains.Get<IFlagDeskGrain>(0).FileAsync(new FlagSubmission(f.ReporterId, target, Parse<FlagReason>(f.Reason), f.Comment)));
        return receipt.FlagId;
    }

    public async Task<string> GetFlagStatusAsync(string flagId, string reporterId, CancellationToken ct) =>
        WireNames.ToWire((await Call(() => Grains.Get<IFlagDeskGrain>(0).GetStatusAsync(flagId, reporterId))).Status);

    public async Task<string> BootAsync(string roomId, string actorId, string userId, int minutes, CancellationToken ct) =>
        (await Call(() => Grains.Get<IRoomGrain>(roomId).BootAsync(new BootRequest(actorId, userId, minutes, "load test")))).BootId;

    public async Task<string> FileAppealAsync(string userId, string sanctionId, string text, CancellationToken ct) =>
        (await Call(() => Grains.Get<IUserGrain>(userId).FileAppealAsync(sanctionId, text))).AppealId;

    public async Task CreateAgentAsync(string agentId, string password, string role, CancellationToken ct)
    {
        // No login in this mode, so the hash is never checked; the gateway would store a PBKDF2 hash here.
        var roles = Parse<AgentRoles>(role);
        try
        {
            await Call(() => Grains.Get<IAgentGrain>(agentId).CreateAsync(new AgentRegistration(roles, "not-used-by-the-load-test", "load-test")));
        }
        catch (OpException e) when (e.Kind == "conflict")
        {
            // Already there from an earlier run with the same run id.
        }
    }

    public Task<IAgentSession> SignInAsync(string agentId, string password, CancellationToken ct) =>
        Task.FromResult<IAgentSession>(new OrleansAgentSession(this, agentId));

    public Task NoopAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task PingAsync(string key, CancellationToken ct) => await Call(() => Grains.Get<IBenchmarkGrain>(key).PingAsync(1));

    public async Task<SiloMemoryStats> GetSiloStatsAsync(bool collectFirst) =>
        await Grains.Get<IBenchmarkGrain>("memory-probe").GetSiloStatsAsync(collectFirst);

    public async Task<int> GetActivationCountAsync() =>
        await Grains.Get<IManagementGrain>(0).GetTotalActivationCount();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    internal static TEnum Parse<TEnum>(string wire) where TEnum : struct, Enum =>
        WireNames.TryParse<TEnum>(wire, out var value) ? value : throw new ArgumentException($"Unknown {typeof(TEnum).Name} '{wire}'.");

    /// <summary>Maps the domain's exceptions to the same refusal/error kinds the HTTP target reports.</summary>
    internal static async Task<T> Call<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ModerationException e)
        {
            throw e.Error switch
            {
                ModerationError.Conflict => new OpException("conflict", true, e.Message, e),
                ModerationError.Forbidden => new OpException("forbidden", false, e.Message, e),
                ModerationError.NotFound => new OpException("not-found", false, e.Message, e),
                _ => new OpException("validation", false, e.Message, e),
            };
        }
        catch (TimeoutException e)
        {
            throw new OpException("timeout", false, e.Message, e);
        }
        catch (OrleansException e)
        {
            throw new OpException(e.GetType().Name, false, e.Message, e);
        }
    }

    internal static async Task Call(Func<Task> call) => await Call(async () =>
    {
        await call();
        return true;
    });
}
