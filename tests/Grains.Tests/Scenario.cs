namespace OrleansSafety.Grains.Tests;

/// <summary>Builds the situations the tests need out of fresh ids, through the grain interfaces only.</summary>
public sealed class Scenario(IGrainFactory grains)
{
    public IGrainFactory Grains { get; } = grains;

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public IRoomGrain Room(string roomId) => Grains.GetGrain<IRoomGrain>(roomId);

    public IUserGrain User(string userId) => Grains.GetGrain<IUserGrain>(userId);

    public IAgentGrain Agent(string agentId) => Grains.GetGrain<IAgentGrain>(agentId);

    public ICaseGrain Case(string caseId) => Grains.GetGrain<ICaseGrain>(caseId);

    public IFlagDeskGrain Desk => Grains.GetGrain<IFlagDeskGrain>(0);

    public async Task<string> NewRoomAsync(string? ownerId = null, params string[] moderators)
    {
        var roomId = NewId("room");
        await Room(roomId).ConfigureAsync(new RoomSettings(ownerId ?? NewId("owner"), moderators, "test room"));
        return roomId;
    }

    public async Task<long> PostAsync(string roomId, string userId, string text)
    {
        var result = await Room(roomId).PostAsync(new ChatPost(userId, text));
        Assert.True(result.Accepted, $"post by {userId} was refused: {result.RefusedBecause}");
        return result.Seq;
    }

    public async Task<string> NewAgentAsync(AgentRoles roles = AgentRoles.Agent)
    {
        var agentId = NewId("agent");
        await Agent(agentId).CreateAsync(new AgentRegistration(roles, "hash-not-a-password", "test"));
        return agentId;
    }

    public Task<FlagReceipt> FlagMessageAsync(string reporterId, string roomId, long seq, FlagReason reason = FlagReason.Harassment, string? comment = null) =>
        Desk.FileAsync(new FlagSubmission(reporterId, new FlagTarget(TargetType.Chat, RoomId: roomId, MessageSeq: seq), reason, comment));

    public Task<FlagReceipt> FlagProfileAsync(string reporterId, string ownerId, FlagReason reason = FlagReason.Harassment, string? itemId = null) =>
        Desk.FileAsync(new FlagSubmission(reporterId,
            new FlagTarget(TargetType.UserProfile, Id: itemId ?? ownerId, OwnerId: ownerId, Content: new FlagContent("bio text", null)),
            reason, "their profile"));

    /// <summary>A chat case about a fresh accused user: returns the room, the accused and the case id.</summary>
    public async Task<(string RoomId, string Accused, string CaseId)> NewChatCaseAsync(FlagReason reason = FlagReason.Harassment)
    {
        var roomId = await NewRoomAsync();
        var accused = NewId("user");
        var seq = await PostAsync(roomId, accused, "you are awful");
        var receipt = await FlagMessageAsync(NewId("reporter"), roomId, seq, reason);
        return (roomId, accused, await CaseOfAsync(receipt.FlagId, roomId, accused));
    }

    /// <summary>The case a flag joined, found through the accused's history (the receipt deliberately does not say).</summary>
    public async Task<string> CaseOfAsync(string flagId, string roomId, string accused)
    {
        var history = await User(accused).GetHistoryAsync();
        return history.Cases.OrderByDescending(c => c.OpenedAt).First().CaseId;
    }

    /// <summary>Claims one specific case, or fails: for tests that must decide the case they made.</summary>
    public async Task<CaseDetail> ClaimAsync(string agentId, string caseId)
    {
        await DrainAsync(caseId);
        var detail = await Agent(agentId).ClaimNextCaseAsync();
        Assert.NotNull(detail);
        Assert.Equal(caseId, detail.CaseId);
        return detail;
    }

    /// <summary>
    /// Empties the shared queue of other tests' cases (decided as no violation by janitor agents), leaving only
    /// <paramref name="keep"/> open, so a test's claims land on its own cases.
    /// </summary>
    public async Task DrainAsync(params string[] keep)
    {
        var held = new List<(string Agent, string CaseId)>();
        var janitor = await NewAgentAsync();
        var holding = 0;
        while (await Agent(janitor).ClaimNextCaseAsync() is { } claimed)
        {
            if (!keep.Contains(claimed.CaseId))
            {
                await Agent(janitor).DecideCaseAsync(claimed.CaseId, new DecisionRequest(CaseOutcome.NoViolation, null, null, "drained by test"));
                continue;
            }
            held.Add((janitor, claimed.CaseId));
            if (++holding == 4)
            {
                (janitor, holding) = (await NewAgentAsync(), 0);
            }
        }
        foreach (var (agent, caseId) in held)
        {
            await Agent(agent).ReleaseCaseAsync(caseId);
        }
    }
}
