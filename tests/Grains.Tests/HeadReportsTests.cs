using OrleansSafety.Grains.Queue;

namespace OrleansSafety.Grains.Tests;

/// <summary>When a queue partition must tell the board again: whenever the board's view of it would mislead a claim.</summary>
public sealed class HeadReportsTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly QueueHead First = new(100, Now, "case_a");
    private static readonly QueueHead Second = new(90, Now, "case_b");

    [Fact]
    public void The_first_report_and_every_new_head_are_sent_and_counted()
    {
        var reports = new HeadReports();
        var first = reports.Due(First, null, Now);
        Assert.Equal((First, (DateTimeOffset?)null), (first!.Head, first.NextLapse));
        Assert.Null(reports.Due(First, null, Now));

        var second = reports.Due(Second, null, Now);
        Assert.Equal(Second, second!.Head);
        Assert.True(second.Supersedes(first));
        Assert.False(first.Supersedes(second));

        var empty = reports.Due(null, null, Now);
        Assert.NotNull(empty);
        Assert.Null(empty.Head);
    }

    [Fact]
    public void A_lease_ending_sooner_than_reported_is_sent_but_one_going_away_is_not()
    {
        var reports = new HeadReports();
        reports.Due(First, Now.AddMinutes(10), Now);

        Assert.Equal(Now.AddMinutes(5), reports.Due(First, Now.AddMinutes(5), Now)?.NextLapse);
        // The lease that ended soonest was decided: the board's lapse is now early, which only makes claims ask sooner.
        Assert.Null(reports.Due(First, Now.AddMinutes(10), Now));
        Assert.Null(reports.Due(First, null, Now));
    }

    [Fact]
    public void Once_the_reported_lapse_has_passed_the_next_look_is_sent()
    {
        var reports = new HeadReports();
        reports.Due(First, Now.AddMinutes(5), Now);
        reports.Due(First, null, Now); // its lease was decided before it ended; the board still expects a lapse at 5

        var later = Now.AddMinutes(6);
        var report = reports.Due(First, null, later);

        Assert.NotNull(report);
        Assert.Null(report.NextLapse);
        Assert.Null(reports.Due(First, null, later));
    }

    [Fact]
    public void Describing_the_partition_reuses_the_last_report_until_something_changed()
    {
        var reports = new HeadReports();
        var sent = reports.Due(First, Now.AddMinutes(5), Now);
        Assert.Same(sent, reports.Describe(First, Now.AddMinutes(5)));

        var described = reports.Describe(First, Now.AddMinutes(10));
        Assert.True(described.Supersedes(sent));
        Assert.Equal(Now.AddMinutes(10), described.NextLapse);
    }
}
