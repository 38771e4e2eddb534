using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Auth;

namespace OrleansSafety.Gateway.Hosting;

/// <summary>
/// Creates the admin named in <c>Gateway:BootstrapAdmin</c> if it does not exist yet, so that a fresh cluster has
/// someone who can create agents. Configured only in appsettings.Development.json; production agents are created
/// through POST /api/v1/agents with a game-backend key.
/// </summary>
internal sealed partial class BootstrapAdmin(
    IGrainFactory grains,
    AgentPasswords passwords,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<BootstrapAdmin> logger) : BackgroundService
{
    private const int Attempts = 30;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.BootstrapAdmin is not { AgentId: { } agentId, Password: { } password })
        {
            return;
        }
        if (!Identifiers.IsValid(agentId))
        {
            LogInvalidId(logger);
            return;
        }
        // In client mode the cluster may still be starting: retry for a while rather than fail the gateway.
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            try
            {
                var agent = grains.Get<IAgentGrain>(agentId);
                if (await agent.GetCredentialsAsync() is null)
                {
                    var all = AgentRoles.Agent | AgentRoles.Senior | AgentRoles.Admin;
                    await agent.CreateAsync(new AgentRegistration(all, passwords.Hash(password), "bootstrap"));
                    LogCreated(logger, agentId);
                }
                return;
            }
            catch (ModerationException e) when (e.Error == ModerationError.Conflict)
            {
                return; // Another gateway created it first.
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && attempt < Attempts)
            {
                LogRetry(logger, e.GetType().Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin '{AgentId}' created.")]
    private static partial void LogCreated(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway:BootstrapAdmin:AgentId is not a valid identifier; no admin created.")]
    private static partial void LogInvalidId(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bootstrap admin not created yet ({ExceptionType}: {Reason}); retrying.")]
    private static partial void LogRetry(ILogger logger, string exceptionType, string reason);
}
