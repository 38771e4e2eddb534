using System.Diagnostics;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Agents working the queue: claim the next case, look at it for <c>thinkMs</c>, decide (half no violation, a third
/// warnings, the rest short mutes), and the muted user appeals a share of the mutes. Seniors claim and decide the
/// appeals. Each agent's choices come from its own seeded sequence.
/// </summary>
public sealed class AgentWorkload(IModerationTarget target, Ledger ledger, int seed, int thinkMs, double appealShare)
{
    /// <summary>How long an agent with nothing to claim waits before asking again.</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(50);

    /// <param name="nextRound">Where the next claim-and-decide round is recorded; asked before each round, between
    /// rounds (no case held), so a warm-up can hold the agents there and hand them over to the measured phase.</param>
    public async Task RunAgentAsync(IAgentSession agent, int agentIndex, Func<CancellationToken, ValueTask<PhaseMetrics>> nextRound, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(seed, agentIndex));
        while (!stop.IsCancellationRequested)
        {
            if (await NextRoundAsync(nextRound, stop) is not { } round)
            {
                return;
            }
            var claims = round.Op("claim");
            var empty = round.Op("claim-empty");
            var decide = round.Op("decide");
            var appeal = round.Op("appeal");
            ClaimedCase? claimed;
            var started = Stopwatch.GetTimestamp();
            try
            {
                claimed = await agent.ClaimNextCaseAsync(stop);
            }
            catch (OpException e)
            {
                claims.RecordFailure(e);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (claimed is null)
            {
                empty.RecordOk(started);
                await Pause(IdlePoll, stop);
                continue;
            }
            claims.RecordOk(started);
            ledger.Claimed(claimed.CaseId, agent.AgentId);
            await Pause(TimeSpan.FromMilliseconds(thinkMs), CancellationToken.None);

            var roll = random.NextDouble();
            var decision = roll switch
            {
                < 0.5 => new DecisionSpec(false, "harassment", null, null),
                < 0.85 => new DecisionSpec(true, "harassment", "warning", null),
                _ => new DecisionSpec(true, "harassment", "mute", 2),
            };
            var appealRoll = random.NextDouble();
            started = Stopwatch.GetTimestamp();
            DecisionAck ack;
            try
            {
                // Decided even when the phase is stopping: a claimed case left undecided would only lapse later.
                ack = await agent.DecideAsync(claimed.CaseId, decision, CancellationToken.None);
                decide.RecordOk(started);
                ledger.Decided(claimed.CaseId, agent.AgentId);
            }
            catch (OpException e)
            {
                decide.RecordFailure(e);
                continue;
            }
            if (ack is { SanctionKind: "mute", SanctionId: { } sanctionId } && appealRoll < appealShare)
            {
                started = Stopwatch.GetTimestamp();
                try
                {
                    await target.FileAppealAsync(claimed.AccusedUserId, sanctionId, "I was only joking with friends, please review.", CancellationToken.None);
                    appeal.RecordOk(started);
                    ledger.AppealFiled();
                }
                catch (OpException e)
                {
                    appeal.RecordFailure(e);
                }
            }
        }
    }

    /// <param name="nextRound">Where the next claim-and-decide round is recorded, as for agents.</param>
    public async Task RunSeniorAsync(IAgentSession senior, int seniorIndex, Func<CancellationToken, ValueTask<PhaseMetrics>> nextRound, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(seed, -1 - seniorIndex));
        while (!stop.IsCancellationRequested)
        {
            if (await NextRoundAsync(nextRound, stop) is not { } round)
            {
                return;
            }
            var claims = round.Op("appeal-claim");
            var decide = round.Op("appeal-decide");
            var started = Stopwatch.GetTimestamp();
            ClaimedAppeal? claimed;
            try
            {
                claimed = await senior.ClaimNextAppealAsync(stop);
            }
            catch (OpException e)
            {
                claims.RecordFailure(e);
                continue;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (claimed is null)
            {
                await Pause(IdlePoll * 4, stop);
                continue;
            }
            claims.RecordOk(started);
            started = Stopwatch.GetTimestamp();
            try
            {
                await senior.DecideAppealAsync(claimed.AppealId, overturn: random.NextDouble() < 0.3, CancellationToken.None);
                decide.RecordOk(started);
                ledger.AppealDecided();
            }
            catch (OpException e)
            {
                decide.RecordFailure(e);
            }
        }
    }

    /// <summary>Where the next round is recorded; null once the workers are stopping.</summary>
    private static async ValueTask<PhaseMetrics?> NextRoundAsync(Func<CancellationToken, ValueTask<PhaseMetrics>> nextRound, CancellationToken stop)
    {
        try
        {
            return await nextRound(stop);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task Pause(TimeSpan delay, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await Task.Delay(delay, ct);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller's loop checks the token.
        }
    }
}
