namespace OrleansSafety.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class FlagTests(ModerationCluster cluster)
{
    private readonly Scenario _s = new(cluster.Grains);

    [Fact]
    public async Task Flags_of_the_same_target_join_one_case_and_raise_its_priority()
    {
        var room = await _s.NewRoomAsync();
        var accused = Scenario.NewId("user");
        var seq = await _s.PostAsync(room, accused, "nasty");
        var first = await _s.FlagMessageAsync("rep-a1", room, seq, FlagReason.Harassment, "rude to me");
        var caseId = await _s.CaseOfAsync(first.FlagId, room, accused);
        var priorityWithOne = (await _s.Case(caseId).GetDetailAsync()).Priority;

        var laterSeq = await _s.PostAsync(room, accused, "more nasty");
        await _s.FlagMessageAsync("rep-b1", room, laterSeq, FlagReason.Hate, "hateful");
        await _s.Desk.FileAsync(new FlagSubmission("rep-c1", new FlagTarget(TargetType.Chat, RoomId: room, AccusedUserId: accused), FlagReason.Spam, null));
        await _s.FlagMessageAsync("rep-a1", room, seq, FlagReason.Harassment, "again");

        var detail = await _s.Case(caseId).GetDetailAsync();
        Assert.Single((await _s.User(accused).GetHistoryAsync()).Cases);
        Assert.Equal(4, detail.Reporters.Count);
        Assert.Equal(3, detail.Reporters.Select(r => r.Alias).Distinct().Count());
        Assert.Equal([FlagReason.Hate, FlagReason.Harassment, FlagReason.Spam], detail.Reasons);
        Assert.Contains(detail.Reporters, r => r.Comment == "hateful");
        Assert.True(detail.Priority > priorityWithOne);
        var summary = (await cluster.Grains.GetGrain<IWorkQueueGrain>(0).GetOverviewAsync(1000)).Items.Single(i => i.CaseId == caseId);
        Assert.Equal(3, summary.Reporters);
    }

    [Fact]
    public async Task A_flag_after_the_decision_opens_a_new_case()
    {
        var (room, accused, caseId) = await _s.NewChatCaseAsync();
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.NoViolation, null, null, null));

        var seq = await _s.PostAsync(room, accused, "still nasty");
        await _s.FlagMessageAsync(Scenario.NewId("rep"), room, seq);
        var cases = (await _s.User(accused).GetHistoryAsync()).Cases;
        Assert.Equal(2, cases.Count);
    }

    [Fact]
    public async Task Users_cannot_flag_themselves()
    {
        var room = await _s.NewRoomAsync();
        var seq = await _s.PostAsync(room, "selfie", "my own message");
        var chat = await Assert.ThrowsAsync<ModerationException>(() => _s.FlagMessageAsync("selfie", room, seq));
        Assert.Equal(("target.accusedUserId", ModerationError.Invalid), (chat.Field, chat.Error));
        var profile = await Assert.ThrowsAsync<ModerationException>(() => _s.FlagProfileAsync("selfie", "selfie"));
        Assert.Equal(("target.ownerId", ModerationError.Invalid), (profile.Field, profile.Error));
    }

    [Theory]
    [InlineData(TargetType.AvatarPhoto, null, "owner", "target.id")]
    [InlineData(TargetType.FeedComment, "c1", null, "target.ownerId")]
    [InlineData(TargetType.VirtualProduct, "p1", "owner", "target.content")]
    public async Task A_non_chat_flag_needs_its_item_owner_and_content(TargetType type, string? id, string? owner, string field)
    {
        var content = field == "target.content" ? null : new FlagContent("text", null);
        var error = await Assert.ThrowsAsync<ModerationException>(() => _s.Desk.FileAsync(
            new FlagSubmission("rep-x", new FlagTarget(type, Id: id, OwnerId: owner, Content: content), FlagReason.Scam, null)));
        Assert.Equal((field, ModerationError.Invalid), (error.Field, error.Error));
    }

    [Fact]
    public async Task A_chat_flag_names_a_message_or_an_accused_user_in_an_existing_room()
    {
        var room = await _s.NewRoomAsync();
        var noAccused = await Assert.ThrowsAsync<ModerationException>(() => _s.Desk.FileAsync(
            new FlagSubmission("rep-y", new FlagTarget(TargetType.Chat, RoomId: room), FlagReason.Spam, null)));
        Assert.Equal("target.accusedUserId", noAccused.Field);
        var noRoom = await Assert.ThrowsAsync<ModerationException>(() => _s.FlagMessageAsync("rep-y", Scenario.NewId("ghost"), 1));
        Assert.Equal("target.roomId", noRoom.Field);
    }

    [Fact]
    public async Task Only_the_reporter_sees_the_flag_status_which_follows_the_case()
    {
        var room = await _s.NewRoomAsync();
        var accused = Scenario.NewId("user");
        var reporter = Scenario.NewId("rep");
        var receipt = await _s.FlagMessageAsync(reporter, room, await _s.PostAsync(room, accused, "bad"));
        Assert.Equal(FlagStatus.Received, receipt.Status);
        var other = await Assert.ThrowsAsync<ModerationException>(() => _s.Desk.GetStatusAsync(receipt.FlagId, accused));
        Assert.Equal(ModerationError.NotFound, other.Error);

        var caseId = await _s.CaseOfAsync(receipt.FlagId, room, accused);
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, caseId);
        Assert.Equal(FlagStatus.InReview, (await _s.Desk.GetStatusAsync(receipt.FlagId, reporter)).Status);

        // A flag joining the case while an agent has it is in review from the start.
        var lateReporter = Scenario.NewId("rep");
        var late = await _s.FlagMessageAsync(lateReporter, room, await _s.PostAsync(room, accused, "worse"));
        Assert.Equal(FlagStatus.InReview, late.Status);

        await _s.Agent(agent).DecideCaseAsync(caseId, new DecisionRequest(CaseOutcome.Violation, null, null, null));
        Assert.Equal(FlagStatus.ActionTaken, (await _s.Desk.GetStatusAsync(receipt.FlagId, reporter)).Status);
        Assert.Equal(FlagStatus.ActionTaken, (await _s.Desk.GetStatusAsync(late.FlagId, lateReporter)).Status);
    }

    [Fact]
    public async Task A_retried_flag_with_the_same_id_is_filed_once()
    {
        var owner = Scenario.NewId("user");
        var submission = new FlagSubmission("rep-z", new FlagTarget(TargetType.AvatarPhoto, Id: "photo-1" + owner, OwnerId: owner,
            Content: new FlagContent(null, "https://cdn.example/p.png")), FlagReason.SexualContent, null, FlagId: Scenario.NewId("flag"));
        var first = await _s.Desk.FileAsync(submission);
        var retry = await _s.Desk.FileAsync(submission);
        Assert.Equal(first, retry);
        var caseId = (await _s.User(owner).GetHistoryAsync()).Cases.Single().CaseId;
        Assert.Single((await _s.Case(caseId).GetDetailAsync()).Reporters);
    }

    /// <summary>
    /// A retry whose first attempt was answered (or whose answer was lost) stays in that case even after the case
    /// was decided and the next flag about the same item opened another one.
    /// </summary>
    [Fact]
    public async Task A_retried_flag_stays_in_its_decided_case_when_the_item_has_a_new_case()
    {
        var owner = Scenario.NewId("user");
        var submission = ProfileFlag(owner, Scenario.NewId("flag"));
        var first = await _s.Desk.FileAsync(submission);
        var firstCase = (await _s.User(owner).GetHistoryAsync()).Cases.Single().CaseId;
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, firstCase);
        await _s.Agent(agent).DecideCaseAsync(firstCase, new DecisionRequest(CaseOutcome.NoViolation, null, null, null));
        await _s.Desk.FileAsync(ProfileFlag(owner, Scenario.NewId("flag")) with { ReporterId = "rep-other" });

        var retry = await _s.Desk.FileAsync(submission);

        Assert.Equal(first.FlagId, retry.FlagId);
        var cases = (await _s.User(owner).GetHistoryAsync()).Cases;
        Assert.Equal(2, cases.Count);
        var secondCase = cases.Single(c => c.CaseId != firstCase).CaseId;
        Assert.Single((await _s.Case(firstCase).GetDetailAsync()).Reporters);
        Assert.Single((await _s.Case(secondCase).GetDetailAsync()).Reporters); // only rep-other's flag
    }

    /// <summary>
    /// A first attempt that died after naming its case but before the case got the flag: when that case has been
    /// decided meanwhile, the retry files the flag in the item's next case, exactly once.
    /// </summary>
    [Fact]
    public async Task A_flag_whose_first_attempt_died_before_its_case_got_it_lands_in_exactly_one_case()
    {
        var owner = Scenario.NewId("user");
        await _s.Desk.FileAsync(ProfileFlag(owner, Scenario.NewId("flag")) with { ReporterId = "rep-first" });
        var firstCase = (await _s.User(owner).GetHistoryAsync()).Cases.Single().CaseId;
        var submission = ProfileFlag(owner, Scenario.NewId("flag"));
        await _s.Grains.GetGrain<IFlagGrain>(submission.FlagId!).AssignCaseAsync(submission.ReporterId, firstCase); // then "crashed"
        var agent = await _s.NewAgentAsync();
        await _s.ClaimAsync(agent, firstCase);
        await _s.Agent(agent).DecideCaseAsync(firstCase, new DecisionRequest(CaseOutcome.NoViolation, null, null, null));

        await _s.Desk.FileAsync(submission);
        await _s.Desk.FileAsync(submission);

        var cases = (await _s.User(owner).GetHistoryAsync()).Cases;
        Assert.Equal(2, cases.Count);
        var secondCase = cases.Single(c => c.CaseId != firstCase).CaseId;
        Assert.Single((await _s.Case(firstCase).GetDetailAsync()).Reporters); // rep-first only
        Assert.Single((await _s.Case(secondCase).GetDetailAsync()).Reporters);
    }

    private static FlagSubmission ProfileFlag(string owner, string flagId) =>
        new("rep-z", new FlagTarget(TargetType.UserProfile, Id: "profile-" + owner, OwnerId: owner,
            Content: new FlagContent("Official staff. Send me your password.", null)), FlagReason.Impersonation, null, FlagId: flagId);
}
