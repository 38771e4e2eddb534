using OrleansSafety.Durable.Tests.Infrastructure;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 3: time that passes while the cluster is down still counts. A claimed case and a 60-minute mute;
/// the cluster stops; the domain clock moves past both; a new cluster starts: the case is claimable by another agent
/// (its lapse audited exactly once), the user chats again, and their standing shows no active sanction.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class LeaseAndSanctionRestartTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private DurableCluster _cluster = null!;
    private Scenario _s = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DurableCluster.StartNewAsync(await server.CreateDatabaseAsync(), silos: 1, output);
        _s = new Scenario(() => _cluster.Grains);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _cluster.Database.DisposeAsync();
    }

    [Fact]
    public async Task A_lease_and_a_mute_that_run_out_while_the_cluster_is_down_have_ended_when_it_comes_back()
    {
        var room = await _s.NewRoomAsync(Scenario.NewId("owner"));
        var muted = Scenario.NewId("user");
        var other = Scenario.NewId("user");
        var muteSeq = (await _s.PostAsync(room, muted, "you are all idiots")).Seq;
        var leaseSeq = (await _s.PostAsync(room, other, "spam spam spam")).Seq;

        // Case 1 is decided with a 60-minute mute; case 2 is claimed by agent 1 and left with its 10-minute lease.
        await _s.FlagMessageAsync(Scenario.NewId("rep"), room, muteSeq, FlagReason.Harassment);
        var muteCase = await _s.NewestCaseOfAsync(muted);
        var decider = await _s.NewAgentAsync(AgentRoles.Agent);
        Assert.Equal(muteCase, (await _s.Agent(decider).ClaimNextCaseAsync())?.CaseId);
        var decision = await _s.Agent(decider).DecideCaseAsync(muteCase,
            new DecisionRequest(CaseOutcome.Violation, FlagReason.Harassment, new SanctionSpec(SanctionKind.Mute, 60), null));
        Assert.Equal(_cluster.Now.AddMinutes(60), decision.Sanction!.EndsAt);
        var refused = await _s.Room(room).PostAsync(new ChatPost(muted, "let me talk"));
        Assert.Equal(ChatRefusal.UserMuted, refused.RefusedBecause);

        await _s.FlagMessageAsync(Scenario.NewId("rep"), room, leaseSeq, FlagReason.Spam);
        var leaseCase = await _s.NewestCaseOfAsync(other);
        var agent1 = await _s.NewAgentAsync(AgentRoles.Agent);
        var claim = await _s.Agent(agent1).ClaimNextCaseAsync();
        Assert.Equal((leaseCase, agent1), (claim?.CaseId, claim?.ClaimedBy));
        var agent2 = await _s.NewAgentAsync(AgentRoles.Agent);
        Assert.Null(await _s.Agent(agent2).ClaimNextCaseAsync()); // held, so nothing to claim yet

        await _cluster.StopAsync();
        _cluster.Time.Advance(TimeSpan.FromMinutes(61));
        await _cluster.StartAsync(silos: 1);

        // The lease ran out while nobody was running: another agent gets the case.
        var reclaimed = await _s.Agent(agent2).ClaimNextCaseAsync();
        Assert.Equal((leaseCase, agent2), (reclaimed?.CaseId, reclaimed?.ClaimedBy));
        Assert.Empty((await _s.Agent(agent1).GetProfileAsync())!.ClaimedCases);
        var late = await Assert.ThrowsAsync<ModerationException>(() => _s.Agent(agent1).RenewCaseAsync(leaseCase));
        Assert.Equal(ModerationError.Conflict, late.Error);

        // The lapse is audited once, however many paths noticed it (partition sweep, claim, the stale renew above).
        await _s.Queue.GetOverviewAsync(10);
        var lapses = (await _s.Audit.QueryAsync(new AuditQuery(leaseCase, null, null, 100))).Where(e => e.Action == AuditActions.LeaseLapsed).ToList();
        var lapse = Assert.Single(lapses);
        Assert.Equal((AuditTrailSystem, agent1, claim!.LeaseUntil), (lapse.ActorId, lapse.AgentId, (DateTimeOffset?)lapse.At));

        // The mute ended while the cluster was down: the user chats again and their standing shows no sanction.
        var standing = await _s.User(muted).GetStandingAsync();
        Assert.True(standing.CanChat);
        Assert.Empty(standing.ActiveSanctions);
        Assert.Equal(1, standing.Strikes); // the strike stays for the 90-day window
        await _s.PostAsync(room, muted, "sorry about earlier");
        var history = await _s.User(muted).GetHistoryAsync();
        Assert.Equal(decision.Sanction.SanctionId, Assert.Single(history.Sanctions).SanctionId);
    }

    private const string AuditTrailSystem = "system";
}
