namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>Builds situations out of fresh ids, through the grain interfaces only (as the gateway does).</summary>
public sealed class Scenario(Func<IGrainFactory> grains)
{
    private IGrainFactory Grains => grains();

    /// <summary>A fresh id with a readable prefix, valid as a userId/roomId/agentId (SPEC §2).</summary>
    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public IRoomGrain Room(string roomId) => Grains.GetGrain<IRoomGrain>(roomId);

    public IUserGrain User(string userId) => Grains.GetGrain<IUserGrain>(userId);

    public IAgentGrain Agent(string agentId) => Grains.GetGrain<IAgentGrain>(agentId);

    public ICaseGrain Case(string caseId) => Grains.GetGrain<ICaseGrain>(caseId);

    public IFlagDeskGrain Desk => Grains.GetGrain<IFlagDeskGrain>(0);

    public IWorkQueueGrain Queue => Grains.GetGrain<IWorkQueueGrain>(0);

    public IAuditReaderGrain Audit => Grains.GetGrain<IAuditReaderGrain>(0);

    public async Task<string> NewRoomAsync(string ownerId, params string[] moderators)
    {
        var roomId = NewId("room");
        await Room(roomId).ConfigureAsync(new RoomSettings(ownerId, moderators, $"room {roomId}"));
        return roomId;
    }

    public async Task<PostResult> PostAsync(string roomId, string userId, string text, string? clientMessageId = null)
    {
        var result = await Room(roomId).PostAsync(new ChatPost(userId, text, clientMessageId));
        Assert.True(result.Accepted, $"post by {userId} in {roomId} was refused: {result.RefusedBecause}");
        return result;
    }

    public async Task<string> NewAgentAsync(AgentRoles roles, string? passwordHash = null)
    {
        var agentId = NewId("agent");
        await Agent(agentId).CreateAsync(new AgentRegistration(roles, passwordHash ?? $"hash-of-{agentId}", "durable-tests"));
        return agentId;
    }

    public Task<FlagReceipt> FlagMessageAsync(string reporterId, string roomId, long seq, FlagReason reason, string? comment = null, string? flagId = null) =>
        Desk.FileAsync(new FlagSubmission(reporterId, new FlagTarget(TargetType.Chat, RoomId: roomId, MessageSeq: seq), reason, comment, flagId));

    public Task<FlagReceipt> FlagLatestChatAsync(string reporterId, string roomId, string accusedUserId, FlagReason reason, string? comment = null) =>
        Desk.FileAsync(new FlagSubmission(reporterId, new FlagTarget(TargetType.Chat, RoomId: roomId, AccusedUserId: accusedUserId), reason, comment));

    public Task<FlagReceipt> FlagItemAsync(string reporterId, TargetType type, string itemId, string ownerId, FlagContent content, FlagReason reason,
        string? comment = null, string? flagId = null) =>
        Desk.FileAsync(new FlagSubmission(reporterId, new FlagTarget(type, Id: itemId, OwnerId: ownerId, Content: content), reason, comment, flagId));

    /// <summary>The newest case about <paramref name="accused"/>, found through their history (receipts do not say).</summary>
    public async Task<string> NewestCaseOfAsync(string accused)
    {
        var history = await User(accused).GetHistoryAsync();
        return history.Cases.OrderByDescending(c => c.OpenedAt).First().CaseId;
    }

    /// <summary>Every message of a room, oldest first, paged through <see cref="IRoomGrain.GetMessagesAsync"/> as a client pages.</summary>
    public async Task<IReadOnlyList<ChatMessage>> ReadWholeHistoryAsync(string roomId, int pageSize = 200)
    {
        var pages = new List<IReadOnlyList<ChatMessage>>();
        long? before = null;
        while (true)
        {
            var page = await Room(roomId).GetMessagesAsync(before, pageSize);
            if (page.Count == 0)
            {
                break;
            }
            pages.Add(page);
            before = page[0].Seq;
            if (before == 1)
            {
                break;
            }
        }
        pages.Reverse();
        return pages.SelectMany(p => p).ToList();
    }
}
