using OrleansSafety.Durable.Tests.Infrastructure;
using OrleansSafety.Grains.Cases;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 1: every grain's state round-trips a restart of the WHOLE cluster. A two-silo cluster builds a small
/// world through the grain interfaces (rooms, chat beyond the 200-message window, boots, flags of every kind, claims
/// with leases, decisions, sanctions, appeals, notices, agents), is stopped entirely, and a new cluster on the same
/// database must answer every read identically — then keep working from where the old one stopped.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class FullRestartTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int RoomAMessages = 260; // beyond the room's 200-message in-memory window
    private const int RoomBMessages = 60;

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
    public async Task Every_grains_state_reads_back_identical_after_the_whole_cluster_restarts_and_work_continues()
    {
        var w = await BuildWorldAsync();
        var before = await SnapshotAsync(w);
        AssertWorldAsBuilt(w, before);

        await _cluster.RestartAsync(silos: 2);

        var after = await SnapshotAsync(w);
        Assert.Equal(before.Select(p => p.What), after.Select(p => p.What));
        foreach (var ((what, expected), (_, actual)) in before.Zip(after))
        {
            Same.Assert(what, expected, actual);
        }
        output.WriteLine($"{before.Count} reads identical after the restart");

        await AssertWorkContinuesAsync(w, before);
    }

    /// <summary>Ids of everything built, and what the test itself knows should be there.</summary>
    private sealed class World
    {
        public required string AgentA, AgentB, Senior, Admin, Owner, Moderator1, Moderator3, RoomA, RoomB, Bootee, AccusedChatA, AccusedChatB;
        public required DateTimeOffset Start;
        public List<ChatMessage> PostedA { get; } = [];
        public List<ChatMessage> PostedB { get; } = [];
        public List<string> Agents { get; } = [];
        public List<string> Users { get; } = [];
        public List<(string FlagId, string Reporter)> Flags { get; } = [];
        public Dictionary<string, string> Cases { get; } = []; // label → case id
        public string AppealOverturned = "", AppealPending = "", SanctionMute = "", SanctionSuspension = "";
        public string RetriedFlagId = "", ClaimedByB = "";
        public FlagSubmission RetriedFlag = null!;
        public DateTimeOffset RenewedLease;
        public DateTimeOffset BootUntil;
        public long FlaggedSeqA;
    }

    private void Tick(int seconds = 1) => _cluster.Time.Advance(TimeSpan.FromSeconds(seconds));

    private async Task<World> BuildWorldAsync()
    {
        var owner = Scenario.NewId("owner");
        var moderator1 = Scenario.NewId("mod");
        var moderator2 = Scenario.NewId("mod");
        var w = new World
        {
            AgentA = await _s.NewAgentAsync(AgentRoles.Agent),
            AgentB = await _s.NewAgentAsync(AgentRoles.Agent),
            Senior = await _s.NewAgentAsync(AgentRoles.Senior),
            Admin = await _s.NewAgentAsync(AgentRoles.Admin),
            Owner = owner,
            Moderator1 = moderator1,
            Moderator3 = Scenario.NewId("mod"),
            RoomA = await _s.NewRoomAsync(owner, moderator1, moderator2),
            RoomB = await _s.NewRoomAsync(Scenario.NewId("owner")),
            Bootee = Scenario.NewId("bootee"),
            AccusedChatA = Scenario.NewId("accused"),
            AccusedChatB = Scenario.NewId("accused"),
            Start = _cluster.Now,
        };
        w.Agents.AddRange([w.AgentA, w.AgentB, w.Senior, w.Admin]);
        // An agent change (roles and password hash) that must survive too.
        await _s.Agent(w.AgentA).UpdateAsync(AgentRoles.Agent, disabled: null, passwordHash: "pbkdf2$rotated-hash", changedBy: w.Admin);

        // Rooms: an owner, moderators set, added and removed.
        await _s.Room(w.RoomA).AddModeratorAsync(w.Owner, w.Moderator3);
        await _s.Room(w.RoomA).RemoveModeratorAsync(w.Owner, moderator2);

        // Chat: room A beyond its in-memory window, some posts with client message ids; room B a little.
        string[] chattersA = [Scenario.NewId("chatter"), Scenario.NewId("chatter"), w.AccusedChatA, w.Bootee];
        for (var i = 1; i <= RoomAMessages; i++)
        {
            var user = chattersA[i % chattersA.Length];
            var clientId = i % 10 == 0 ? $"client-{w.RoomA}-{i}" : null;
            var text = $"room A line {i} from {user}";
            var ack = await _s.PostAsync(w.RoomA, user, text, clientId);
            Assert.Equal(i, ack.Seq);
            w.PostedA.Add(new ChatMessage(ack.Seq, user, text, ack.SentAt, clientId));
            if (i % 20 == 0)
            {
                Tick();
            }
        }
        string[] chattersB = [Scenario.NewId("chatter"), w.AccusedChatB];
        for (var i = 1; i <= RoomBMessages; i++)
        {
            var user = chattersB[i % chattersB.Length];
            var ack = await _s.PostAsync(w.RoomB, user, $"room B line {i}");
            w.PostedB.Add(new ChatMessage(ack.Seq, user, $"room B line {i}", ack.SentAt));
        }
        Tick();

        // A boot by a moderator.
        var boot = await _s.Room(w.RoomA).BootAsync(new BootRequest(w.Moderator1, w.Bootee, 120, "flooding the room"));
        w.BootUntil = boot.Until;
        Tick();

        // Cases decided first, while they are the only ones in the queue: a mute, a suspension, a no-violation.
        var accusedMute = Scenario.NewId("accused");
        var accusedSuspended = Scenario.NewId("accused");
        var accusedCleared = Scenario.NewId("accused");
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.UserProfile, Id: accusedMute, OwnerId: accusedMute,
            Content: new FlagContent("profile text with slurs", null)), FlagReason.Harassment, "their bio insults people");
        w.Cases["mute"] = await _s.NewestCaseOfAsync(accusedMute);
        Tick();
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.AvatarPhoto, Id: $"avatar-{accusedSuspended}", OwnerId: accusedSuspended,
            Content: new FlagContent(null, "https://cdn.example.com/avatars/1.png")), FlagReason.Hate, null);
        w.Cases["suspension"] = await _s.NewestCaseOfAsync(accusedSuspended);
        Tick();
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.FeedPhoto, Id: $"photo-{accusedCleared}", OwnerId: accusedCleared,
            Content: new FlagContent("caption", "https://cdn.example.com/feed/9.jpg")), FlagReason.Spam, "looks like an ad");
        w.Cases["cleared"] = await _s.NewestCaseOfAsync(accusedCleared);
        Tick();

        var claimedByA = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            claimedByA.Add((await _s.Agent(w.AgentA).ClaimNextCaseAsync())!.CaseId);
        }
        Assert.Equal(new[] { w.Cases["mute"], w.Cases["suspension"], w.Cases["cleared"] }.Order(StringComparer.Ordinal), claimedByA.Order(StringComparer.Ordinal));
        Tick(60);
        var mute = await _s.Agent(w.AgentA).DecideCaseAsync(w.Cases["mute"],
            new DecisionRequest(CaseOutcome.Violation, FlagReason.Harassment, new SanctionSpec(SanctionKind.Mute, 24 * 60), "insulting bio"));
        var suspension = await _s.Agent(w.AgentA).DecideCaseAsync(w.Cases["suspension"],
            new DecisionRequest(CaseOutcome.Violation, FlagReason.Hate, new SanctionSpec(SanctionKind.Suspension, 7 * 24 * 60), "hate symbol"));
        await _s.Agent(w.AgentA).DecideCaseAsync(w.Cases["cleared"], new DecisionRequest(CaseOutcome.NoViolation, null, null, "not an ad"));
        w.SanctionMute = mute.Sanction!.SanctionId;
        w.SanctionSuspension = suspension.Sanction!.SanctionId;
        Tick();

        // Appeals: one overturned by a senior, one left pending.
        w.AppealOverturned = (await _s.User(accusedMute).FileAppealAsync(w.SanctionMute, "It was a quote from a film.")).AppealId;
        Tick();
        var claimedAppeal = await _s.Agent(w.Senior).ClaimNextAppealAsync();
        Assert.Equal(w.AppealOverturned, claimedAppeal?.AppealId);
        await _s.Agent(w.Senior).DecideAppealAsync(w.AppealOverturned, new AppealDecisionRequest(AppealOutcome.Overturned, "Agreed, it was a quote."));
        Tick();
        w.AppealPending = (await _s.User(accusedSuspended).FileAppealAsync(w.SanctionSuspension, "Someone else used my account.")).AppealId;
        Tick();

        // Open cases, one second apart and of different severities, so the claim order is total.
        // A chat flag naming a message older than the window, then a duplicate (another reporter, another message of
        // the same accused in the same room: the same target), then a retry of the first with its flag id.
        w.FlaggedSeqA = w.PostedA.First(m => m.UserId == w.AccusedChatA && m.Seq > 25).Seq;
        w.RetriedFlagId = $"flag_{Guid.NewGuid():N}";
        w.RetriedFlag = new FlagSubmission(Scenario.NewId("rep"), new FlagTarget(TargetType.Chat, RoomId: w.RoomA, MessageSeq: w.FlaggedSeqA),
            FlagReason.Harassment, "started it here", w.RetriedFlagId);
        await FileAsync(w, w.RetriedFlag);
        w.Cases["chat-seq"] = await _s.NewestCaseOfAsync(w.AccusedChatA);
        Tick();
        var laterSeq = w.PostedA.Last(m => m.UserId == w.AccusedChatA).Seq;
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.Chat, RoomId: w.RoomA, MessageSeq: laterSeq), FlagReason.Hate, "and again");
        Assert.Equal(w.Cases["chat-seq"], await _s.NewestCaseOfAsync(w.AccusedChatA));
        var retried = await _s.Desk.FileAsync(w.RetriedFlag);
        Assert.Equal(w.RetriedFlagId, retried.FlagId);
        Tick();
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.Chat, RoomId: w.RoomB, AccusedUserId: w.AccusedChatB), FlagReason.Spam, null);
        w.Cases["chat-latest"] = await _s.NewestCaseOfAsync(w.AccusedChatB);
        Tick();
        var accusedComment = Scenario.NewId("accused");
        await FileAsync(w, Scenario.NewId("rep"), new FlagTarget(TargetType.FeedComment, Id: $"comment-{accusedComment}", OwnerId: accusedComment,
            Content: new FlagContent("nobody would miss you", null)), FlagReason.SelfHarm, "worrying");
        w.Cases["comment"] = await _s.NewestCaseOfAsync(accusedComment);
        Tick();
        var accusedSeller = Scenario.NewId("accused");
        var product = new FlagTarget(TargetType.VirtualProduct, Id: $"product-{accusedSeller}", OwnerId: accusedSeller,
            Content: new FlagContent("Free coins, send your password", "https://cdn.example.com/p/3.png"));
        await FileAsync(w, Scenario.NewId("rep"), product, FlagReason.Scam, "phishing");
        await FileAsync(w, Scenario.NewId("rep"), product, FlagReason.Scam, "same item");
        w.Cases["product"] = await _s.NewestCaseOfAsync(accusedSeller);
        Tick();

        // A claim with a renewed lease, and an audited reveal.
        w.ClaimedByB = (await _s.Agent(w.AgentB).ClaimNextCaseAsync())!.CaseId;
        Tick(120);
        w.RenewedLease = await _s.Agent(w.AgentB).RenewCaseAsync(w.ClaimedByB);
        await _s.Case(w.Cases["chat-seq"]).RevealReportersAsync(w.Admin, "legal request 17");
        Tick();

        w.Users.AddRange([w.Owner, w.Moderator1, w.Moderator3, w.Bootee, w.AccusedChatA, w.AccusedChatB, accusedMute, accusedSuspended,
            accusedCleared, accusedComment, accusedSeller, .. chattersA, .. chattersB]);
        w.Users.AddRange(w.Flags.Select(f => f.Reporter));
        return w;
    }

    private Task FileAsync(World w, string reporter, FlagTarget target, FlagReason reason, string? comment) =>
        FileAsync(w, new FlagSubmission(reporter, target, reason, comment));

    private async Task FileAsync(World w, FlagSubmission submission)
    {
        var receipt = await _s.Desk.FileAsync(submission);
        w.Flags.Add((receipt.FlagId, submission.ReporterId));
    }

    /// <summary>Every read the API offers about the world, labelled; compared one by one after the restart.</summary>
    private async Task<List<(string What, object Value)>> SnapshotAsync(World w)
    {
        var parts = new List<(string, object)>();
        void Add(string what, object? value) => parts.Add((what, value ?? "null"));

        foreach (var room in new[] { w.RoomA, w.RoomB })
        {
            Add($"room {room}", await _s.Room(room).GetAsync());
            Add($"room {room} newest 200", await _s.Room(room).GetMessagesAsync(null, 200));
            Add($"room {room} newest 50", await _s.Room(room).GetMessagesAsync(null, 50));
            Add($"room {room} page before 61", await _s.Room(room).GetMessagesAsync(61, 60));
            Add($"room {room} page before 30", await _s.Room(room).GetMessagesAsync(30, 10));
            Add($"room {room} whole history", await _s.ReadWholeHistoryAsync(room, pageSize: 75));
        }
        foreach (var (label, caseId) in w.Cases.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Add($"case {label}", await _s.Case(caseId).GetDetailAsync());
            Add($"case {label} summary", await _s.Case(caseId).GetSummaryAsync());
            Add($"audit of case {label}", await _s.Audit.QueryAsync(new AuditQuery(caseId, null, null, 200)));
        }
        Add("queue overview", await _s.Queue.GetOverviewAsync(50));
        foreach (var agent in w.Agents)
        {
            Add($"agent {agent} profile", await _s.Agent(agent).GetProfileAsync());
            Add($"agent {agent} credentials", await _s.Agent(agent).GetCredentialsAsync());
            Add($"audit of agent {agent}", await _s.Audit.QueryAsync(new AuditQuery(null, null, agent, 200)));
        }
        foreach (var user in w.Users.Distinct(StringComparer.Ordinal))
        {
            Add($"user {user} history", await _s.User(user).GetHistoryAsync());
            Add($"user {user} notices", await _s.User(user).GetNoticesAsync());
            Add($"audit of user {user}", await _s.Audit.QueryAsync(new AuditQuery(null, user, null, 200)));
        }
        var appellants = new[] { w.AppealOverturned, w.AppealPending };
        foreach (var (appealId, user) in await Task.WhenAll(appellants.Select(async a => (a, await AppellantOfAsync(w, a)))))
        {
            Add($"appeal {appealId}", await _s.User(user).GetAppealAsync(appealId));
            Add($"appeal record {appealId}", await _s.User(user).GetAppealRecordAsync(appealId));
        }
        Add("pending appeals", await _cluster.Grains.GetGrain<IAppealQueueGrain>("appeals").CountPendingAsync());
        foreach (var (flagId, reporter) in w.Flags.Distinct())
        {
            Add($"flag {flagId}", await _s.Desk.GetStatusAsync(flagId, reporter));
        }
        Add("transparency", await _s.Audit.GetTransparencyAsync(w.Start, _cluster.Now.AddDays(1)));
        return parts;
    }

    private async Task<string> AppellantOfAsync(World w, string appealId)
    {
        foreach (var user in w.Users)
        {
            if ((await _s.User(user).GetHistoryAsync()).Appeals.Any(a => a.AppealId == appealId))
            {
                return user;
            }
        }
        throw new InvalidOperationException($"nobody filed {appealId}");
    }

    private static T Part<T>(List<(string What, object Value)> snapshot, string what) => (T)snapshot.Single(p => p.What == what).Value;

    /// <summary>What the world must hold, checked against the test's own record (not only before = after).</summary>
    private void AssertWorldAsBuilt(World w, List<(string What, object Value)> snapshot)
    {
        Same.Assert("room A history as posted", w.PostedA, Part<IReadOnlyList<ChatMessage>>(snapshot, $"room {w.RoomA} whole history"));
        Same.Assert("room B history as posted", w.PostedB, Part<IReadOnlyList<ChatMessage>>(snapshot, $"room {w.RoomB} whole history"));
        var roomA = Part<RoomView>(snapshot, $"room {w.RoomA}");
        Assert.Equal((long)RoomAMessages, roomA.LastSeq);
        Assert.Equal([w.Moderator1, w.Moderator3], roomA.ModeratorIds);
        Assert.Equal(w.Bootee, Assert.Single(roomA.ActiveBoots).UserId);

        // Evidence frozen at flag time: the flagged message ±25 read from the journal (it was older than the window),
        // with a SHA-256 that the test recomputes from what it posted.
        var chatCase = Part<CaseDetail>(snapshot, "case chat-seq");
        var expectedWindow = w.PostedA.Where(m => Math.Abs(m.Seq - w.FlaggedSeqA) <= 25).ToList();
        Assert.Equal(expectedWindow.Select(m => m.Seq), chatCase.Evidence.Messages!.Select(m => m.Seq));
        Assert.Equal(EvidenceHasher.Compute(w.RoomA, w.FlaggedSeqA, expectedWindow, null), chatCase.Evidence.Sha256);
        Assert.Equal(2, chatCase.Reporters.Count); // the duplicate joined, the retry did not add
        var latestCase = Part<CaseDetail>(snapshot, "case chat-latest");
        Assert.Equal(w.PostedB.TakeLast(50).Select(m => m.Seq), latestCase.Evidence.Messages!.Select(m => m.Seq));
        Assert.Equal(EvidenceHasher.Compute(w.RoomB, null, w.PostedB.TakeLast(50).ToList(), null), latestCase.Evidence.Sha256);
        Assert.Equal(2, Part<CaseDetail>(snapshot, "case product").Reporters.Count);

        var claimed = Part<CaseDetail>(snapshot, $"case {w.Cases.Single(c => c.Value == w.ClaimedByB).Key}");
        Assert.Equal((CaseStatus.Claimed, w.AgentB, w.RenewedLease), (claimed.Status, claimed.ClaimedBy, claimed.LeaseUntil));
        Assert.Equal([w.ClaimedByB], Part<AgentProfile>(snapshot, $"agent {w.AgentB} profile").ClaimedCases);
        Assert.Equal("pbkdf2$rotated-hash", Part<AgentCredentials>(snapshot, $"agent {w.AgentA} credentials").PasswordHash);
        Assert.Equal(AgentRoles.Admin, Part<AgentCredentials>(snapshot, $"agent {w.Admin} credentials").Roles);

        var overview = Part<QueueOverview>(snapshot, "queue overview");
        Assert.Equal((3, 1), (overview.Open, overview.Claimed));
        Assert.Equal(CaseOutcome.Violation, Part<CaseDetail>(snapshot, "case mute").Decision!.Outcome);
        Assert.True(Part<CaseDetail>(snapshot, "case mute").Decision!.Overturned);
        Assert.Equal(1, Part<int>(snapshot, "pending appeals"));
        Assert.Contains(Part<IReadOnlyList<AuditEntry>>(snapshot, "audit of case chat-seq"), e => e.Action == AuditActions.ReportersRevealed);
        Assert.Contains(Part<IReadOnlyList<AuditEntry>>(snapshot, $"audit of user {w.Bootee}"), e => e.Action == AuditActions.UserBooted);
    }

    /// <summary>After the restart the new cluster carries on: seqs, boots, sanctions, flags, claims, appeals.</summary>
    private async Task AssertWorkContinuesAsync(World w, List<(string What, object Value)> before)
    {
        // Chat resumes at the next seq; the boot and the suspension still bite; the overturned mute does not.
        var next = await _s.PostAsync(w.RoomA, w.AccusedChatA, "after the restart");
        Assert.Equal(RoomAMessages + 1, next.Seq);
        var booted = await _s.Room(w.RoomA).PostAsync(new ChatPost(w.Bootee, "let me back in"));
        Assert.Equal((ChatRefusal.UserBooted, w.BootUntil), (booted.RefusedBecause, booted.RefusedUntil));
        var appealRecord = Part<AppealRecord>(before, $"appeal record {w.AppealPending}");
        var suspended = await _s.Room(w.RoomB).PostAsync(new ChatPost(appealRecord.UserId, "hello?"));
        Assert.Equal(ChatRefusal.UserSuspended, suspended.RefusedBecause);
        var overturned = Part<AppealRecord>(before, $"appeal record {w.AppealOverturned}");
        await _s.PostAsync(w.RoomB, overturned.UserId, "my mute was lifted");

        // The retried flag still answers its first receipt and adds nobody.
        Assert.Equal(w.RetriedFlagId, (await _s.Desk.FileAsync(w.RetriedFlag)).FlagId);
        Assert.Equal(2, (await _s.Case(w.Cases["chat-seq"]).GetDetailAsync()).Reporters.Count);

        // Claim order: an agent claiming now gets the open cases in exactly the order the queue showed before.
        var expectedOrder = Part<QueueOverview>(before, "queue overview").Items.Where(i => i.Status == CaseStatus.Open).Select(i => i.CaseId).ToList();
        var claimer = await _s.NewAgentAsync(AgentRoles.Agent);
        var claimedOrder = new List<string>();
        while (await _s.Agent(claimer).ClaimNextCaseAsync() is { } claimedCase)
        {
            claimedOrder.Add(claimedCase.CaseId);
        }
        Assert.Equal(expectedOrder, claimedOrder);
        Assert.DoesNotContain(w.ClaimedByB, claimedOrder);

        // The claim held across the restart is still agent B's to decide.
        var decision = await _s.Agent(w.AgentB).DecideCaseAsync(w.ClaimedByB, new DecisionRequest(CaseOutcome.NoViolation, null, null, "after restart"));
        Assert.Equal(w.AgentB, decision.DecidedBy);

        // A new flag on a target with an open case joins it (the target grain remembered the case).
        await _s.FlagMessageAsync(Scenario.NewId("rep"), w.RoomA, next.Seq, FlagReason.Harassment);
        Assert.Equal(3, (await _s.Case(w.Cases["chat-seq"]).GetDetailAsync()).Reporters.Count);

        // The pending appeal is still in the appeal queue for a senior who did not decide the case.
        var appeal = await _s.Agent(w.Senior).ClaimNextAppealAsync();
        Assert.Equal(w.AppealPending, appeal?.AppealId);
    }
}
