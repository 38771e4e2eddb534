namespace OrleansSafety.Contracts.Model;

/// <summary>A stored chat message. <see cref="ClientMessageId"/> is the poster's idempotency key, if it sent one.</summary>
[GenerateSerializer, Immutable, Alias("chat-message")]
public sealed record ChatMessage(
    [property: Id(0)] long Seq,
    [property: Id(1)] string UserId,
    [property: Id(2)] string Text,
    [property: Id(3)] DateTimeOffset SentAt,
    [property: Id(4)] string? ClientMessageId = null);

/// <summary>The answer to a post: either the accepted message's place in the room, or why it was refused.</summary>
[GenerateSerializer, Immutable, Alias("post-result")]
public sealed record PostResult(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset SentAt,
    [property: Id(2)] ChatRefusal? RefusedBecause = null,
    [property: Id(3)] DateTimeOffset? RefusedUntil = null)
{
    public bool Accepted => RefusedBecause is null;

    public static PostResult Refused(ChatRefusal why, DateTimeOffset? until) => new(0, default, why, until);
}

[GenerateSerializer, Immutable, Alias("room-settings")]
public sealed record RoomSettings(
    [property: Id(0)] string OwnerId,
    [property: Id(1)] IReadOnlyList<string> ModeratorIds,
    [property: Id(2)] string? Name);

[GenerateSerializer, Immutable, Alias("room-view")]
public sealed record RoomView(
    [property: Id(0)] string RoomId,
    [property: Id(1)] string OwnerId,
    [property: Id(2)] IReadOnlyList<string> ModeratorIds,
    [property: Id(3)] string? Name,
    [property: Id(4)] long LastSeq,
    [property: Id(5)] IReadOnlyList<BootView> ActiveBoots);

[GenerateSerializer, Immutable, Alias("boot-request")]
public sealed record BootRequest(
    [property: Id(0)] string ActorId,
    [property: Id(1)] string UserId,
    [property: Id(2)] int? Minutes,
    [property: Id(3)] string? Reason);

[GenerateSerializer, Immutable, Alias("boot-view")]
public sealed record BootView(
    [property: Id(0)] string BootId,
    [property: Id(1)] string RoomId,
    [property: Id(2)] string UserId,
    [property: Id(3)] string ActorId,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] DateTimeOffset Until,
    [property: Id(6)] string? Reason,
    [property: Id(7)] DateTimeOffset? LiftedAt = null);

/// <summary>
/// What a room knows about a user's right to chat, pushed by the user grain when a sanction changes so
/// that rooms need not ask on every message.
/// </summary>
[GenerateSerializer, Immutable, Alias("chat-restriction")]
public sealed record ChatRestriction(
    [property: Id(0)] ChatRefusal? Kind,
    [property: Id(1)] DateTimeOffset? Until)
{
    public static readonly ChatRestriction None = new(null, null);

    public bool AppliesAt(DateTimeOffset now) => Kind is not null && (Until is null || Until > now);
}
