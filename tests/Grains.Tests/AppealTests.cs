namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class AppealTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    private sealed record Sanctioned(string Accused, string RoomId, string CaseId, string Reporter, string FlagId, SanctionView Sanction, string Decider);

    private async Task<Sanctioned> MutedUserAsync(AgentRoles deciderRoles = AgentRoles.Agent)
    {
        var room = await _s.NewRoomAsync();
        var accused = Scenario.NewId("user");
        var reporter = Scenario.NewId("rep");
        var seq = await _s.PostAsync(room, accused, "offensive words");
        var receipt = await _s.FlagMessageAsync(reporter, room, seq, FlagReason.Hate, "they insulted me");
        var caseId = await _s.CaseOfAsync(receipt.FlagId, room, accused);
        var decider = await _s.NewAgentAsync(deciderRoles);
        await _s.ClaimAsync(decider, caseId);
        var decision = await _s.Agent(decider).DecideCaseAsync(caseId,
            new DecisionRequest(CaseOutcome.Violation, FlagReason.Hate, new SanctionSpec(SanctionKind.Mute, 600), "clear"));
        return new Sanctioned(accused, room, caseId, reporter, receipt.FlagId, decision.Sanction!, decider);
    }

    /// <summary>Claims appeals as <paramref name="senior"/> until it gets <paramref name="appealId"/>, releasing nothing else.</summary>
    private async Task<AppealDetail> ClaimAppealAsync(string senior, string appealId)
    {
        while (await _s.Agent(senior).ClaimNextAppealAsync() is { } detail)
        {
            if (detail.AppealId == appealId)
            {
                return detail;
            }
        }
        throw new InvalidOperationException($"appeal {appealId} was never offered to {senior}");
    }

    [Fact]
    public async Task An_overturned_appeal_lifts_the_sanction_and_strike_and_corrects_the_reporter()
    {
        var m = await MutedUserAsync();
        Assert.Equal(new ReporterAccuracy(1, 0), await _s.User(m.Reporter).GetReporterAccuracyAsync());
        var appeal = await _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "I was quoting someone else");
        Assert.Equal(AppealStatus.Pending, appeal.Status);

        var senior = await _s.NewAgentAsync(AgentRoles.Senior);
        var detail = await ClaimAppealAsync(senior, appeal.AppealId);
        Assert.Equal(m.CaseId, detail.OriginalCase.CaseId);
        Assert.Equal("I was quoting someone else", detail.Text);
        await _s.Agent(senior).DecideAppealAsync(appeal.AppealId, new AppealDecisionRequest(AppealOutcome.Overturned, "You are right, sorry."));

        var standing = await _s.User(m.Accused).GetStandingAsync();
        Assert.Equal((true, 0), (standing.CanChat, standing.Strikes));
        await _s.PostAsync(m.RoomId, m.Accused, "free to talk again");
        Assert.Equal(new ReporterAccuracy(0, 1), await _s.User(m.Reporter).GetReporterAccuracyAsync());
        Assert.Equal(FlagStatus.NoViolation, (await _s.Desk.GetStatusAsync(m.FlagId, m.Reporter)).Status);
        var result = await _s.User(m.Accused).GetAppealAsync(appeal.AppealId);
        Assert.Equal((AppealStatus.Overturned, "You are right, sorry."), (result.Status, result.Response));
        var notice = (await _s.User(m.Accused).GetNoticesAsync())[0];
        Assert.Equal(NoticeKinds.AppealDecision, notice.Kind);
        Assert.Contains("You are right, sorry.", notice.Summary);
        Assert.True((await _s.Case(m.CaseId).GetDetailAsync()).Decision!.Overturned);
    }

    [Fact]
    public async Task An_upheld_appeal_keeps_the_sanction()
    {
        var m = await MutedUserAsync();
        var appeal = await _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "unfair");
        var senior = await _s.NewAgentAsync(AgentRoles.Senior);
        await ClaimAppealAsync(senior, appeal.AppealId);
        await _s.Agent(senior).DecideAppealAsync(appeal.AppealId, new AppealDecisionRequest(AppealOutcome.Upheld, "The rule applies."));
        Assert.False((await _s.User(m.Accused).GetStandingAsync()).CanChat);
        Assert.Equal(AppealStatus.Upheld, (await _s.User(m.Accused).GetStandingAsync()).ActiveSanctions.Single().AppealStatus);
    }

    [Fact]
    public async Task Each_sanction_can_be_appealed_once_and_warnings_not_at_all()
    {
        var m = await MutedUserAsync();
        await _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "first");
        var again = await Assert.ThrowsAsync<ModerationException>(() => _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "second"));
        Assert.Equal(ModerationError.Conflict, again.Error);
        var unknown = await Assert.ThrowsAsync<ModerationException>(() => _s.User(m.Accused).FileAppealAsync("sanction_nope", "x"));
        Assert.Equal(ModerationError.NotFound, unknown.Error);

        var warned = Scenario.NewId("user");
        await _s.FlagProfileAsync(Scenario.NewId("rep"), warned);
        var caseId = (await _s.User(warned).GetHistoryAsync()).Cases.Single().CaseId;
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        var warning = (await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, null, null))).Sanction!;
        Assert.Equal(SanctionKind.Warning, warning.Kind);
        var warningAppeal = await Assert.ThrowsAsync<ModerationException>(() => _s.User(warned).FileAppealAsync(warning.SanctionId, "x"));
        Assert.Equal(ModerationError.Conflict, warningAppeal.Error);
    }

    [Fact]
    public async Task Appeals_are_filed_within_180_days()
    {
        var m = await MutedUserAsync();
        ModerationCluster.Advance(TimeSpan.FromDays(181));
        var late = await Assert.ThrowsAsync<ModerationException>(() => _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "late"));
        Assert.Equal(ModerationError.Conflict, late.Error);
    }

    [Fact]
    public async Task Only_a_senior_who_did_not_decide_the_case_reviews_the_appeal()
    {
        var m = await MutedUserAsync(AgentRoles.Senior);
        var appeal = await _s.User(m.Accused).FileAppealAsync(m.Sanction.SanctionId, "please review");

        var plainAgent = await _s.NewAgentAsync();
        var forbidden = await Assert.ThrowsAsync<ModerationException>(() => _s.Agent(plainAgent).ClaimNextAppealAsync());
        Assert.Equal(ModerationError.Forbidden, forbidden.Error);

        while (await _s.Agent(m.Decider).ClaimNextAppealAsync() is { } offered)
        {
            Assert.NotEqual(appeal.AppealId, offered.AppealId);
        }
        var decidesOwn = await Assert.ThrowsAsync<ModerationException>(() =>
            _s.Agent(m.Decider).DecideAppealAsync(appeal.AppealId, new AppealDecisionRequest(AppealOutcome.Overturned, "mine")));
        Assert.Equal(ModerationError.Conflict, decidesOwn.Error);

        var other = await _s.NewAgentAsync(AgentRoles.Senior);
        Assert.Equal(appeal.AppealId, (await ClaimAppealAsync(other, appeal.AppealId)).AppealId);
    }
}
