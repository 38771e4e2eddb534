using System.Collections.Concurrent;
using OrleansSafety.Durable.Tests.Infrastructure;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 5: with real grain storage (ETags checked by PostgreSQL) no grain ever has two state writes in flight:
/// many concurrent flags on one target while its room keeps chatting, and concurrent claims, renewals, joining flags
/// and decisions across every queue partition and a few shared user grains. Not a single call may fail.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class ConcurrencyTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentBag<Exception> _failures = [];
    private DurableCluster _cluster = null!;
    private Scenario _s = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DurableCluster.StartNewAsync(await server.CreateDatabaseAsync(), silos: 2, output);
        _s = new Scenario(() => _cluster.Grains);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _cluster.Database.DisposeAsync();
    }

    [Fact]
    public async Task Many_concurrent_flags_on_one_target_all_land_in_one_case_while_the_room_keeps_chatting()
    {
        const int chatReporters = 120, profileReporters = 60;
        var room = await _s.NewRoomAsync(Scenario.NewId("owner"));
        var accused = Scenario.NewId("accused");
        var seqs = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            seqs.Add((await _s.PostAsync(room, accused, $"insult number {i}")).Seq);
        }

        var chatFlags = Enumerable.Range(0, chatReporters).Select(i => GuardAsync(() =>
            _s.FlagMessageAsync($"rep-{i}-{accused}", room, seqs[i % seqs.Count], (FlagReason)(i % 10), $"comment {i}")));
        var profileFlags = Enumerable.Range(0, profileReporters).Select(i => GuardAsync(() =>
            _s.FlagItemAsync($"prep-{i}-{accused}", TargetType.UserProfile, accused, accused, new FlagContent("bio", null), FlagReason.Hate)));
        var chatter = Enumerable.Range(0, 100).Select(i => GuardAsync(() => _s.PostAsync(room, $"bystander-{i % 7}", $"meanwhile {i}")));
        var receipts = await Task.WhenAll(chatFlags.Concat(profileFlags));
        await Task.WhenAll(chatter);
        AssertNoFailures();

        Assert.Equal(chatReporters + profileReporters, receipts.Select(r => r!.FlagId).Distinct().Count());
        var cases = (await _s.User(accused).GetHistoryAsync()).Cases;
        Assert.Equal(2, cases.Count);
        var reporterCounts = await Task.WhenAll(cases.Select(async c => (await _s.Case(c.CaseId).GetDetailAsync()).Reporters.Count));
        Assert.Equal([profileReporters, chatReporters], reporterCounts.Order());
        var overview = await _s.Queue.GetOverviewAsync(10);
        Assert.Equal(2, overview.Open);
        Assert.Equal(130, (await _s.Room(room).GetAsync())!.LastSeq);
    }

    [Fact]
    public async Task Concurrent_claims_renewals_joining_flags_and_decisions_across_partitions_never_fail()
    {
        const int agents = 8, casesCount = 40, accusedCount = 5;
        var accused = Enumerable.Range(0, accusedCount).Select(_ => Scenario.NewId("accused")).ToArray();
        var items = Enumerable.Range(0, casesCount).Select(i => (Item: $"item-{i}-{Guid.NewGuid():N}", Owner: accused[i % accusedCount])).ToArray();
        await Task.WhenAll(items.Select((item, i) => GuardAsync(() =>
            _s.FlagItemAsync(Scenario.NewId("rep"), TargetType.FeedPhoto, item.Item, item.Owner, new FlagContent(null, $"https://cdn.example.com/{i}.jpg"),
                (FlagReason)(i % 10)))));
        AssertNoFailures();
        Assert.Equal(casesCount, (await _s.Queue.GetOverviewAsync(100)).Open);

        // Eight agents claim at once until the queue is empty: 40 cases, 5 each, none granted twice.
        var agentIds = await Task.WhenAll(Enumerable.Range(0, agents).Select(_ => _s.NewAgentAsync(AgentRoles.Agent)));
        var held = await Task.WhenAll(agentIds.Select(async agent =>
        {
            var mine = new List<string>();
            while (mine.Count < 5 && await GuardAsync(() => _s.Agent(agent).ClaimNextCaseAsync()) is { } claimed)
            {
                mine.Add(claimed.CaseId);
            }
            return (Agent: agent, Cases: mine);
        }));
        AssertNoFailures();
        var allHeld = held.SelectMany(h => h.Cases).ToList();
        Assert.Equal(casesCount, allHeld.Count);
        Assert.Equal(casesCount, allHeld.Distinct().Count());

        // Renewals from every agent, three rounds, while more reporters join the claimed cases.
        for (var round = 0; round < 3; round++)
        {
            _cluster.Time.Advance(TimeSpan.FromMinutes(3));
            var renewals = held.SelectMany(h => h.Cases.Select(c => GuardAsync(() => _s.Agent(h.Agent).RenewCaseAsync(c))));
            var joins = items.Select((item, i) => GuardAsync(() =>
                _s.FlagItemAsync(Scenario.NewId("rep"), TargetType.FeedPhoto, item.Item, item.Owner, new FlagContent(null, $"https://cdn.example.com/{i}.jpg"),
                    FlagReason.Violence)));
            await Task.WhenAll(renewals.Cast<Task>().Concat(joins));
        }
        AssertNoFailures();

        // Every case decided at once: five user grains take eight verdicts each concurrently, the partitions drop them.
        await Task.WhenAll(held.SelectMany(h => h.Cases.Select((c, i) => GuardAsync(() => _s.Agent(h.Agent).DecideCaseAsync(c,
            i % 2 == 0
                ? new DecisionRequest(CaseOutcome.Violation, FlagReason.Harassment, new SanctionSpec(SanctionKind.Warning, null), null)
                : new DecisionRequest(CaseOutcome.NoViolation, null, null, null))))));
        AssertNoFailures();

        var overview = await _s.Queue.GetOverviewAsync(100);
        Assert.Equal((0, 0), (overview.Open, overview.Claimed));
        var violations = held.Sum(h => h.Cases.Where((_, i) => i % 2 == 0).Count());
        var strikes = await Task.WhenAll(accused.Select(async a => (await _s.User(a).GetStandingAsync()).Strikes));
        Assert.Equal(violations, strikes.Sum());
        foreach (var caseId in allHeld)
        {
            var detail = await _s.Case(caseId).GetDetailAsync();
            Assert.Equal(CaseStatus.Resolved, detail.Status);
            Assert.Equal(4, detail.Reporters.Count); // the opener and one joiner per renewal round
        }
    }

    private async Task<T?> GuardAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            _failures.Add(e);
            return default;
        }
    }

    private void AssertNoFailures()
    {
        var failures = _failures.ToList();
        Assert.True(failures.Count == 0,
            $"{failures.Count} call(s) failed; first ones:\n" + string.Join("\n", failures.Take(5).Select(f => f.ToString())));
    }
}
