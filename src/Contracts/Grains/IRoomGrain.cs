using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Contracts.Grains;

/// <summary>One chat room: its owner and moderators, its numbered chat, its boots and its recent history.</summary>
[Alias("room")]
public interface IRoomGrain : IGrainWithStringKey
{
    [Alias("configure")]
    Task<RoomView> ConfigureAsync(RoomSettings settings);

    [Alias("get")]
    Task<RoomView?> GetAsync();

    [Alias("add-moderator")]
    Task AddModeratorAsync(string actorId, string userId);

    [Alias("remove-moderator")]
    Task RemoveModeratorAsync(string actorId, string userId);

    /// <summary>
    /// Posts a message. Interleaves with other posts while it waits for durability, so one room's messages
    /// share a journal batch instead of waiting for each other's round trip.
    /// </summary>
    [Alias("post"), AlwaysInterleave]
    Task<PostResult> PostAsync(ChatPost post);

    [Alias("messages"), ReadOnly]
    Task<IReadOnlyList<ChatMessage>> GetMessagesAsync(long? beforeSeq, int limit);

    [Alias("boot")]
    Task<BootView> BootAsync(BootRequest request);

    [Alias("unboot")]
    Task UnbootAsync(string actorId, string userId);

    /// <summary>Freezes the chat around <paramref name="messageSeq"/> (or the latest messages) as case evidence.</summary>
    [Alias("capture-evidence")]
    Task<ChatEvidence> CaptureEvidenceAsync(long? messageSeq, string? accusedUserId);

    /// <summary>Called by a user grain when that user's right to chat changes.</summary>
    [Alias("apply-restriction"), AlwaysInterleave]
    Task ApplyRestrictionAsync(string userId, ChatRestriction restriction);
}

[GenerateSerializer, Immutable, Alias("chat-evidence")]
public sealed record ChatEvidence(
    [property: Id(0)] Evidence Evidence,
    [property: Id(1)] string AccusedUserId);

/// <summary>
/// A message to post. <see cref="ClientMessageId"/> (the gateway's Idempotency-Key) makes a retry after a timeout
/// return the first acknowledgement instead of posting twice.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat-post")]
public sealed record ChatPost(
    [property: Id(0)] string UserId,
    [property: Id(1)] string Text,
    [property: Id(2)] string? ClientMessageId = null);
