using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Grains.Tests;

public sealed class CasePriorityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Severity_reporters_and_their_accuracy_each_raise_priority()
    {
        var one = CasePriority.Base(FlagReason.Spam, [0.5]);
        Assert.True(CasePriority.Base(FlagReason.Hate, [0.5]) > one);
        Assert.True(CasePriority.Base(FlagReason.Spam, [0.5, 0.5]) > one);
        Assert.True(CasePriority.Base(FlagReason.Spam, [0.9]) > one);
    }

    [Fact]
    public void The_rank_orders_cases_as_their_priority_at_any_later_time_does()
    {
        var older = (Base: 30.0, Created: T0);
        var newer = (Base: 35.0, Created: T0.AddHours(4));
        foreach (var now in new[] { T0.AddHours(4), T0.AddHours(10), T0.AddDays(30) })
        {
            var byPriority = CasePriority.AtTime(older.Base, older.Created, now, 2) > CasePriority.AtTime(newer.Base, newer.Created, now, 2);
            var byRank = CasePriority.Rank(older.Base, older.Created, 2) > CasePriority.Rank(newer.Base, newer.Created, 2);
            Assert.Equal(byPriority, byRank);
        }
    }

    [Fact]
    public void Heads_compare_by_rank_then_age_then_id()
    {
        var head = new QueueHead(10, T0, "case-b");
        Assert.True(new QueueHead(11, T0.AddHours(1), "case-z") < head); // a higher rank first, even if newer
        Assert.True(new QueueHead(10, T0.AddTicks(-1), "case-z") < head); // the older among equal ranks
        Assert.True(new QueueHead(10, T0, "case-a") < head); // a total order, so every partition agrees
        var same = head with { };
        Assert.True(head <= same && head >= same && !(head < same));
        Assert.True(new QueueHead(9, T0.AddDays(-1), "case-a") > head);
    }
}
