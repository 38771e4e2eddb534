using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansSafety.Grains.Queue;

namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class QueueTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task Agents_get_the_highest_priority_first_and_the_oldest_among_equals()
    {
        var olderSpam = await _s.NewChatCaseAsync(FlagReason.Spam);
        ModerationCluster.Advance(TimeSpan.FromSeconds(30));
        var selfHarm = await _s.NewChatCaseAsync(FlagReason.SelfHarm);
        var newerSpam = await _s.NewChatCaseAsync(FlagReason.Spam);
        var harassment = await _s.NewChatCaseAsync(FlagReason.Harassment);
        await _s.DrainAsync(olderSpam.CaseId, selfHarm.CaseId, newerSpam.CaseId, harassment.CaseId);

        var agent = await _s.NewAgentAsync();
        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var claimed = await _s.Agent(agent).ClaimNextCaseAsync();
            order.Add(claimed!.CaseId);
        }
        Assert.Equal([selfHarm.CaseId, harassment.CaseId, olderSpam.CaseId, newerSpam.CaseId], order);
    }

    [Fact]
    public async Task A_case_waiting_long_enough_outranks_a_fresh_severe_one()
    {
        var old = await _s.NewChatCaseAsync(FlagReason.Other);
        ModerationCluster.Advance(TimeSpan.FromDays(3)); // 2 points an hour: 144 points, more than any severity gap
        var fresh = await _s.NewChatCaseAsync(FlagReason.SelfHarm);
        await _s.DrainAsync(old.CaseId, fresh.CaseId);
        var agent = await _s.NewAgentAsync();
        Assert.Equal(old.CaseId, (await _s.Agent(agent).ClaimNextCaseAsync())!.CaseId);
        Assert.Equal(fresh.CaseId, (await _s.Agent(agent).ClaimNextCaseAsync())!.CaseId);
    }

    [Fact]
    public async Task Fifty_agents_claiming_at_once_never_share_a_case()
    {
        var cases = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            cases.Add(await NewProfileCaseAsync());
        }
        await _s.DrainAsync([.. cases]);
        var agents = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _s.NewAgentAsync()));

        var claims = await Task.WhenAll(agents.Select(a => _s.Agent(a).ClaimNextCaseAsync()));

        var claimed = claims.Where(c => c is not null).Select(c => c!.CaseId).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct().Count());
        Assert.Equal(cases.Order(), claimed.Order());
        var holders = await Task.WhenAll(claimed.Select(id => _s.Case(id).GetDetailAsync()));
        Assert.Equal(30, holders.Select(h => h.ClaimedBy).Distinct().Count());
    }

    [Fact]
    public async Task One_agent_claims_cases_from_every_partition_in_age_order()
    {
        var cases = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            cases.Add(await NewProfileCaseAsync());
            ModerationCluster.Advance(TimeSpan.FromMilliseconds(1)); // same severity: only age orders them
        }
        await _s.DrainAsync([.. cases]);
        var agents = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _s.NewAgentAsync()));

        var order = new List<string>();
        foreach (var agent in agents)
        {
            for (var i = 0; i < 4; i++)
            {
                order.Add((await _s.Agent(agent).ClaimNextCaseAsync())!.CaseId);
            }
        }

        Assert.True(cases.Select(c => QueuePartitioning.PartitionOf(c, ModerationCluster.QueuePartitions)).Distinct().Count() > 1);
        Assert.Equal(cases, order);
    }

    [Fact]
    public async Task Fifty_agents_claiming_and_deciding_flat_out_decide_every_case_once()
    {
        var cases = new List<string>();
        for (var i = 0; i < 150; i++)
        {
            cases.Add(await NewProfileCaseAsync());
            ModerationCluster.Advance(TimeSpan.FromMilliseconds(1));
        }
        await _s.DrainAsync([.. cases]);
        var agents = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => _s.NewAgentAsync()));

        var decided = await Task.WhenAll(agents.Select(async agent =>
        {
            var mine = new List<string>();
            while (await _s.Agent(agent).ClaimNextCaseAsync() is { } claimed)
            {
                await _s.Agent(agent).DecideCaseAsync(claimed.CaseId, new DecisionRequest(CaseOutcome.NoViolation, null, null, "storm"));
                mine.Add(claimed.CaseId);
            }
            return mine;
        }));

        // Every agent stopped only when the queue was empty, and no case went to two of them.
        Assert.Equal(cases.Order(), decided.SelectMany(d => d).Order());
        Assert.Equal(0, (await cluster.Grains.GetGrain<IWorkQueueGrain>(0).GetOverviewAsync(1)).Open);
    }

    [Fact]
    public async Task The_queue_view_lists_open_cases_in_claim_order_then_the_claimed_ones()
    {
        var olderSpam = await NewProfileCaseAsync(FlagReason.Spam);
        ModerationCluster.Advance(TimeSpan.FromMinutes(2));
        var newerSpam = await NewProfileCaseAsync(FlagReason.Spam);
        var scam = await NewProfileCaseAsync(FlagReason.Scam);
        var hate = await NewProfileCaseAsync(FlagReason.Hate);
        var selfHarm = await NewProfileCaseAsync(FlagReason.SelfHarm);
        string[] mine = [olderSpam, newerSpam, scam, hate, selfHarm];
        await _s.DrainAsync(mine);
        Assert.Equal(selfHarm, (await _s.Agent(await _s.NewAgentAsync()).ClaimNextCaseAsync())!.CaseId);
        ModerationCluster.Advance(TimeSpan.FromSeconds(30));
        var queue = cluster.Grains.GetGrain<IWorkQueueGrain>(0);

        // Other tests' cases may still be held (the shared cluster), so this test's are picked out of the view.
        var all = await queue.GetOverviewAsync(10_000);
        var top2 = await queue.GetOverviewAsync(2);
        var countsOnly = await queue.GetOverviewAsync(0);

        Assert.Equal([hate, scam, olderSpam, newerSpam, selfHarm], all.Items.Select(i => i.CaseId).Where(mine.Contains));
        Assert.Equal(CaseStatus.Claimed, all.Items.Single(i => i.CaseId == selfHarm).Status);
        Assert.Equal(all.Items.Take(2).Select(i => i.CaseId), top2.Items.Select(i => i.CaseId));
        Assert.Empty(countsOnly.Items);
        var open = all.Items.Where(i => i.Status == CaseStatus.Open).ToList();
        Assert.Equal(all.Items.OrderBy(i => i.Status == CaseStatus.Claimed).Select(i => i.CaseId), all.Items.Select(i => i.CaseId));
        Assert.Equal(open.OrderByDescending(i => i.Priority).Select(i => i.CaseId), open.Select(i => i.CaseId));
        Assert.Equal((open.Count, all.Items.Count - open.Count), (countsOnly.Open, countsOnly.Claimed));
        Assert.Equal((ModerationCluster.Now - open.Min(i => i.CreatedAt)).TotalSeconds, countsOnly.OldestOpenAgeSeconds, precision: 3);

        ModerationCluster.Advance(TimeSpan.FromMinutes(11)); // the claim lapses: the case is open again, and first
        var lapsed = await queue.GetOverviewAsync(10_000);
        Assert.Equal([selfHarm, hate, scam, olderSpam, newerSpam], lapsed.Items.Select(i => i.CaseId).Where(mine.Contains));
        Assert.All(lapsed.Items.Where(i => mine.Contains(i.CaseId)), i => Assert.Equal(CaseStatus.Open, i.Status));
    }

    [Fact]
    public async Task Every_partition_registers_its_lease_sweep_reminder_once_it_is_active()
    {
        var primary = Assert.IsType<InProcessSiloHandle>(cluster.Cluster.Primary);
        var reminders = primary.SiloHost.Services.GetRequiredService<IReminderTable>();
        foreach (var partition in Enumerable.Range(0, ModerationCluster.QueuePartitions))
        {
            var grain = cluster.Grains.GetGrain<IQueuePartitionGrain>(partition);
            await grain.PeekHeadAsync();
            await WaitForAsync(async () =>
                (await reminders.ReadRows(grain.GetGrainId())).Reminders.Any(r => r.ReminderName == "lease-sweep"));
        }
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not come true within 15 s");
            await Task.Delay(20);
        }
    }

    private async Task<string> NewProfileCaseAsync(FlagReason reason = FlagReason.Spam)
    {
        var profileOwner = Scenario.NewId("user");
        await _s.FlagProfileAsync(Scenario.NewId("rep"), profileOwner, reason);
        return (await _s.User(profileOwner).GetHistoryAsync()).Cases.Single().CaseId;
    }

    [Fact]
    public async Task An_agent_holds_at_most_five_cases()
    {
        var cases = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            cases.Add((await _s.NewChatCaseAsync()).CaseId);
        }
        await _s.DrainAsync([.. cases]);
        var agent = await _s.NewAgentAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.NotNull(await _s.Agent(agent).ClaimNextCaseAsync());
        }
        var sixth = await Assert.ThrowsAsync<ModerationException>(() => _s.Agent(agent).ClaimNextCaseAsync());
        Assert.Equal(ModerationError.Conflict, sixth.Error);
        Assert.Equal(5, (await _s.Agent(agent).GetProfileAsync())!.ClaimedCases.Count);
    }

    [Fact]
    public async Task Only_the_claiming_agent_can_decide_renew_or_release()
    {
        var (_, _, caseId) = await _s.NewChatCaseAsync();
        var holder = await _s.NewAgentAsync();
        var other = await _s.NewAgentAsync();
        await _s.ClaimAsync(holder, caseId);
        var decision = new DecisionRequest(CaseOutcome.Violation, null, null, null);

        foreach (var call in new Func<Task>[]
                 {
                     () => _s.Agent(other).DecideCaseAsync(caseId, decision),
                     () => _s.Agent(other).ReleaseCaseAsync(caseId),
                     () => _s.Agent(other).RenewCaseAsync(caseId),
                 })
        {
            Assert.Equal(ModerationError.Conflict, (await Assert.ThrowsAsync<ModerationException>(call)).Error);
        }
        Assert.Null(await _s.Agent(other).ClaimNextCaseAsync());
        Assert.Equal(CaseOutcome.Violation, (await _s.Agent(holder).DecideCaseAsync(caseId, decision)).Outcome);
    }

    [Fact]
    public async Task A_lapsed_lease_returns_the_case_to_the_queue_by_itself()
    {
        var (_, _, caseId) = await _s.NewChatCaseAsync();
        var first = await _s.NewAgentAsync();
        var claimed = await _s.ClaimAsync(first, caseId);
        Assert.Equal(ModerationCluster.Now.AddMinutes(10), claimed.LeaseUntil);

        ModerationCluster.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(CaseStatus.Open, (await _s.Case(caseId).GetDetailAsync()).Status);
        var second = await _s.NewAgentAsync();
        Assert.Equal(caseId, (await _s.Agent(second).ClaimNextCaseAsync())!.CaseId);

        var late = await Assert.ThrowsAsync<ModerationException>(() =>
            _s.Agent(first).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, null, null)));
        Assert.Equal(ModerationError.Conflict, late.Error);
        var audit = await cluster.Grains.GetGrain<IAuditReaderGrain>(0).QueryAsync(new AuditQuery(caseId, null, null, 50));
        Assert.Contains(audit, e => e.Action == AuditActions.LeaseLapsed && e.AgentId == first);
    }

    [Fact]
    public async Task Renewing_keeps_the_case_past_the_first_lease()
    {
        var (_, _, caseId) = await _s.NewChatCaseAsync();
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        ModerationCluster.Advance(TimeSpan.FromMinutes(8));
        var until = await _s.Agent(agent).RenewCaseAsync(caseId);
        Assert.Equal(ModerationCluster.Now.AddMinutes(10), until);
        ModerationCluster.Advance(TimeSpan.FromMinutes(8));
        Assert.Equal(CaseStatus.Claimed, (await _s.Case(caseId).GetDetailAsync()).Status);
        // The queue too: past the first lease's end (every partition asked for its head, which is when lapsed claims
        // go back) it still lists the case as held, so nobody else is handed it.
        await Task.WhenAll(Enumerable.Range(0, ModerationCluster.QueuePartitions).Select(p => cluster.Grains.GetGrain<IQueuePartitionGrain>(p).PeekHeadAsync()));
        var overview = await cluster.Grains.GetGrain<IWorkQueueGrain>(0).GetOverviewAsync(10_000);
        Assert.Equal((CaseStatus.Claimed, (DateTimeOffset?)until), overview.Items.Where(c => c.CaseId == caseId).Select(c => (c.Status, c.LeaseUntil)).Single());
        await _s.Agent(agent).ReleaseCaseAsync(caseId);
        Assert.Equal(CaseStatus.Open, (await _s.Case(caseId).GetDetailAsync()).Status);
    }
}
