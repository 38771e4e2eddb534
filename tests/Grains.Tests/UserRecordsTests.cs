using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;
using Orleans.Storage;
using OrleansSafety.Grains.Users;

namespace OrleansSafety.Grains.Tests;

/// <summary>A user's notices and report outcomes: rows beside the user's state (IUserRecordStore).</summary>
[Collection(ClusterCollection.Name)]
public sealed class UserRecordsTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task A_retried_report_outcome_sends_one_notice_and_a_correction_changes_the_record_without_a_second()
    {
        var reporter = _s.User(Scenario.NewId("reporter"));

        await reporter.RecordReportOutcomeAsync("flag-1", upheld: true);
        await reporter.RecordReportOutcomeAsync("flag-1", upheld: true);
        await reporter.RecordReportOutcomeAsync("flag-2", upheld: true);
        await reporter.RecordReportOutcomeAsync("flag-2", upheld: false);

        var notices = await reporter.GetNoticesAsync();
        Assert.Equal(2, notices.Count);
        Assert.All(notices, n => Assert.Equal(NoticeKinds.ReportOutcome, n.Kind));
        Assert.Equal(new ReporterAccuracy(1, 1), await reporter.GetReporterAccuracyAsync());
    }

    [Fact]
    public async Task Notices_and_the_reporter_record_outlive_the_activation()
    {
        var reporter = _s.User(Scenario.NewId("reporter"));
        await reporter.RecordReportOutcomeAsync("flag-kept", upheld: true);
        var before = await reporter.GetNoticesAsync();

        await reporter.Cast<IGrainManagementExtension>().DeactivateOnIdle();

        Assert.Equal(before, await reporter.GetNoticesAsync());
        Assert.Equal(new ReporterAccuracy(1, 0), (await reporter.GetHistoryAsync()).AsReporter);
        // Known after reactivation: the same outcome again is a retry, not a new report.
        await reporter.RecordReportOutcomeAsync("flag-kept", upheld: true);
        Assert.Single(await reporter.GetNoticesAsync());
    }

    [Fact]
    public async Task Notices_and_outcomes_kept_in_a_state_row_from_before_they_were_rows_are_moved_and_still_count()
    {
        var userId = Scenario.NewId("legacy");
        var oldNotice = new Notice("notice_old", NoticeKinds.Boot, ModerationCluster.Now, "You were removed from room 'lobby'.");
        var legacy = new UserState
        {
            Notices = [oldNotice],
            ReportOutcomes = { ["flag-old-1"] = true, ["flag-old-2"] = false },
        };
        var storage = cluster.Cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(ModerationSiloExtensions.StorageName);
        await storage.WriteStateAsync("user", GrainId.Create("user", userId), new GrainState<UserState>(legacy));

        var user = _s.User(userId);
        Assert.Equal(oldNotice, Assert.Single(await user.GetNoticesAsync()));
        Assert.Equal(new ReporterAccuracy(1, 1), await user.GetReporterAccuracyAsync());

        // A fresh activation shows them once, and an old flag's outcome is known (the same outcome again is a retry).
        await user.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await user.RecordReportOutcomeAsync("flag-old-1", upheld: true);
        Assert.Equal(oldNotice, Assert.Single(await user.GetNoticesAsync()));
        Assert.Equal(new ReporterAccuracy(1, 1), await user.GetReporterAccuracyAsync());
    }
}
