using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

public sealed record ConfigureRoomRequest(
    [property: Required] string? OwnerId = null,
    IReadOnlyList<string?>? ModeratorIds = null,
    string? Name = null) : IValidatableRequest
{
    public const int MaxModerators = 100;
    public const int MaxNameLength = 100;

    public void Validate(RequestErrors errors)
    {
        errors.RequireId("ownerId", OwnerId);
        if (ModeratorIds is { Count: > MaxModerators })
        {
            errors.Add("moderatorIds", $"At most {MaxModerators} moderators.");
        }
        for (var i = 0; i < (ModeratorIds?.Count ?? 0); i++)
        {
            errors.RequireId($"moderatorIds[{i}]", ModeratorIds![i]);
        }
        errors.OptionalText("name", Name, MaxNameLength);
    }

    public RoomSettings ToSettings() => new(OwnerId!, ModeratorIds?.OfType<string>().Distinct(StringComparer.Ordinal).ToList() ?? [], Name);
}

public sealed record ModeratorRequest([property: Required] string? ActorId = null, [property: Required] string? UserId = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.RequireId("actorId", ActorId);
        errors.RequireId("userId", UserId);
    }
}

public sealed record PostMessageRequest([property: Required] string? UserId = null, [property: Required] string? Text = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.RequireId("userId", UserId);
        errors.RequireText("text", Text);
    }
}

public sealed record BootUserRequest(
    [property: Required] string? ActorId = null,
    [property: Required] string? UserId = null,
    int? Minutes = null,
    string? Reason = null) : IValidatableRequest
{
    public const int MinMinutes = 1;
    public const int MaxMinutes = 10080;
    public const int MaxReasonLength = 500;

    public void Validate(RequestErrors errors)
    {
        errors.RequireId("actorId", ActorId);
        errors.RequireId("userId", UserId);
        errors.Range("minutes", Minutes, MinMinutes, MaxMinutes);
        errors.OptionalText("reason", Reason, MaxReasonLength);
    }

    public BootRequest ToContract() => new(ActorId!, UserId!, Minutes, Reason);
}

public sealed record RoomResponse(
    string RoomId,
    string OwnerId,
    IReadOnlyList<string> ModeratorIds,
    string? Name,
    long LastSeq,
    IReadOnlyList<ActiveBootResponse> ActiveBoots)
{
    public static RoomResponse From(RoomView room) =>
        new(room.RoomId, room.OwnerId, room.ModeratorIds, room.Name, room.LastSeq, room.ActiveBoots.Select(ActiveBootResponse.From).ToList());
}

public sealed record ActiveBootResponse(string BootId, string UserId, string ActorId, DateTimeOffset At, DateTimeOffset Until, string? Reason)
{
    public static ActiveBootResponse From(BootView boot) => new(boot.BootId, boot.UserId, boot.ActorId, boot.At, boot.Until, boot.Reason);
}

public sealed record MessagePostedResponse(string RoomId, long Seq, DateTimeOffset SentAt);

public sealed record MessagesResponse(IReadOnlyList<MessageResponse> Messages);

public sealed record MessageResponse(long Seq, string UserId, string Text, DateTimeOffset SentAt)
{
    public static MessageResponse From(ChatMessage message) => new(message.Seq, message.UserId, message.Text, message.SentAt);
}

public sealed record BootedResponse(string BootId, DateTimeOffset Until);
