using Orleans.Core.Internal;

namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class SanctionTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    /// <summary>Opens, claims and decides a violation against <paramref name="accused"/>; returns the sanction.</summary>
    private async Task<SanctionView?> ViolationAsync(string accused, SanctionSpec? sanction = null, string? agent = null)
    {
        await _s.FlagProfileAsync(Scenario.NewId("rep"), accused, FlagReason.Harassment, Scenario.NewId("item"));
        var caseId = (await _s.User(accused).GetHistoryAsync()).Cases.First(c => c.Outcome is null).CaseId;
        agent ??= await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        return (await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, sanction, null))).Sanction;
    }

    [Fact]
    public async Task The_default_ladder_is_warning_mute_suspension_ban()
    {
        var accused = Scenario.NewId("user");
        var ladder = new List<(SanctionKind Kind, DateTimeOffset? Ends, DateTimeOffset At)>();
        for (var i = 0; i < 4; i++)
        {
            var sanction = await ViolationAsync(accused);
            ladder.Add((sanction!.Kind, sanction.EndsAt, ModerationCluster.Now));
        }
        Assert.Equal([SanctionKind.Warning, SanctionKind.Mute, SanctionKind.Suspension, SanctionKind.Ban], ladder.Select(l => l.Kind));
        Assert.Null(ladder[0].Ends);
        Assert.Equal(ladder[1].At.AddHours(24), ladder[1].Ends);
        Assert.Equal(ladder[2].At.AddDays(7), ladder[2].Ends);
        Assert.Null(ladder[3].Ends);
        var standing = await _s.User(accused).GetStandingAsync();
        Assert.Equal((false, false, 4), (standing.CanChat, standing.CanPlay, standing.Strikes));
    }

    [Fact]
    public async Task A_decided_case_keeps_its_sanction_across_deactivation_and_its_strike_counts_once()
    {
        var accused = Scenario.NewId("user");
        var sanction = await ViolationAsync(accused);
        var caseId = (await _s.User(accused).GetHistoryAsync()).Cases.Single().CaseId;

        // The case and the accused go, the case storing what its decision deferred ("effects done") as it does; the
        // reactivated case and user must tell the same story, with the effects applied exactly once. Only these two:
        // collecting every activation would reach into the other tests sharing this cluster.
        await cluster.Grains.Get<ICaseGrain>(caseId).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await _s.User(accused).Cast<IGrainManagementExtension>().DeactivateOnIdle();

        var decided = await cluster.Grains.Get<ICaseGrain>(caseId).GetDetailAsync();
        Assert.Equal(sanction!.Kind, decided.Decision!.Sanction!.Kind);
        Assert.Equal(1, (await _s.User(accused).GetStandingAsync()).Strikes);
        Assert.Single((await _s.User(accused).GetHistoryAsync()).Cases, c => c.CaseId == caseId && c.Outcome == CaseOutcome.Violation);
    }

    [Fact]
    public async Task Strikes_older_than_90_days_do_not_count_towards_the_ladder()
    {
        var accused = Scenario.NewId("user");
        Assert.Equal(SanctionKind.Warning, (await ViolationAsync(accused))!.Kind);
        ModerationCluster.Advance(TimeSpan.FromDays(91));
        Assert.Equal(SanctionKind.Warning, (await ViolationAsync(accused))!.Kind);
        Assert.Equal(SanctionKind.Mute, (await ViolationAsync(accused))!.Kind);
        Assert.Equal(2, (await _s.User(accused).GetStandingAsync()).Strikes);
    }

    [Fact]
    public async Task A_mute_bites_at_once_in_every_room_the_user_chats_in_and_ends_by_itself()
    {
        var accused = Scenario.NewId("user");
        var roomA = await _s.NewRoomAsync();
        var roomB = await _s.NewRoomAsync();
        await _s.PostAsync(roomA, accused, "hi a");
        await _s.PostAsync(roomB, accused, "hi b"); // room B now caches "may chat"

        var mute = await ViolationAsync(accused, new SanctionSpec(SanctionKind.Mute, 60));

        var refused = await _s.Room(roomB).PostAsync(new ChatPost(accused, "am I muted?"));
        Assert.Equal(ChatRefusal.UserMuted, refused.RefusedBecause);
        Assert.Equal(mute!.EndsAt, refused.RefusedUntil);
        var newRoom = await _s.NewRoomAsync();
        Assert.Equal(ChatRefusal.UserMuted, (await _s.Room(newRoom).PostAsync(new ChatPost(accused, "here?"))).RefusedBecause);
        Assert.True((await _s.User(accused).GetStandingAsync()).CanPlay);

        ModerationCluster.Advance(TimeSpan.FromMinutes(61));
        await _s.PostAsync(roomB, accused, "back");
        var standing = await _s.User(accused).GetStandingAsync();
        Assert.True(standing.CanChat);
        Assert.Empty(standing.ActiveSanctions);
    }

    [Fact]
    public async Task A_suspension_keeps_the_user_out_of_chat_and_play()
    {
        var accused = Scenario.NewId("user");
        var room = await _s.NewRoomAsync();
        await _s.PostAsync(room, accused, "hello");
        await ViolationAsync(accused, new SanctionSpec(SanctionKind.Suspension, 60 * 24));
        var standing = await _s.User(accused).GetStandingAsync();
        Assert.Equal((false, false), (standing.CanChat, standing.CanPlay));
        Assert.Equal(ChatRefusal.UserSuspended, (await _s.Room(room).PostAsync(new ChatPost(accused, "x"))).RefusedBecause);
    }

    [Fact]
    public async Task A_ban_is_permanent()
    {
        var accused = Scenario.NewId("user");
        var room = await _s.NewRoomAsync();
        await ViolationAsync(accused, new SanctionSpec(SanctionKind.Ban, null));
        ModerationCluster.Advance(TimeSpan.FromDays(400));
        Assert.Equal(ChatRefusal.UserBanned, (await _s.Room(room).PostAsync(new ChatPost(accused, "x"))).RefusedBecause);
    }

    [Fact]
    public async Task A_sanction_gives_the_user_a_notice_naming_content_rule_sanction_end_and_appeal()
    {
        var accused = Scenario.NewId("user");
        var sanction = await ViolationAsync(accused, new SanctionSpec(SanctionKind.Mute, 120));
        var notice = (await _s.User(accused).GetNoticesAsync()).First(n => n.Kind == NoticeKinds.Sanction);
        Assert.Equal(FlagReason.Harassment, notice.Reason);
        Assert.Equal(sanction, notice.Sanction);
        Assert.Equal("bio text", notice.Content!.Text);
        Assert.Contains("appeal", notice.Summary, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(SanctionKind.Mute, null, "sanction.durationMinutes")]
    [InlineData(SanctionKind.Ban, 60, "sanction.durationMinutes")]
    public async Task An_explicit_sanction_must_have_a_sensible_duration(SanctionKind kind, int? minutes, string field)
    {
        var (_, _, caseId) = await _s.NewChatCaseAsync();
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        var error = await Assert.ThrowsAsync<ModerationException>(() =>
            _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, new SanctionSpec(kind, minutes), null)));
        Assert.Equal(field, error.Field);
        Assert.Equal(CaseStatus.Claimed, (await _s.Case(caseId).GetDetailAsync()).Status);
    }

    [Fact]
    public async Task The_case_suggests_the_ladders_next_sanction()
    {
        var accused = Scenario.NewId("user");
        await ViolationAsync(accused);
        await _s.FlagProfileAsync(Scenario.NewId("rep"), accused, FlagReason.Spam, Scenario.NewId("item"));
        var caseId = (await _s.User(accused).GetHistoryAsync()).Cases.First(c => c.Outcome is null).CaseId;
        var detail = await _s.Case(caseId).GetDetailAsync();
        Assert.Equal(new SanctionSpec(SanctionKind.Mute, 24 * 60), detail.SuggestedSanction);
    }
}
