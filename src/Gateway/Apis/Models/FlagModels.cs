using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

/// <summary>POST /flags. Which target fields are required depends on <c>target.type</c> (SPEC §2, flag targets).</summary>
public sealed record FlagRequest(
    [property: Required] string? ReporterId = null,
    [property: Required] FlagTargetRequest? Target = null,
    [property: Required] FlagReason? Reason = null,
    string? Comment = null) : IValidatableRequest
{
    public const int MaxCommentLength = ChatText.MaxLength;

    public void Validate(RequestErrors errors)
    {
        errors.RequireId("reporterId", ReporterId);
        errors.Require("reason", Reason);
        errors.OptionalText("comment", Comment, MaxCommentLength);
        if (errors.Require("target", Target))
        {
            Target!.Validate(errors, ReporterId);
        }
    }

    public FlagSubmission ToSubmission(string? flagId) => new(ReporterId!, Target!.ToContract(), Reason!.Value, Comment, flagId);
}

public sealed record FlagTargetRequest(
    [property: Required] TargetType? Type = null,
    string? Id = null,
    string? RoomId = null,
    long? MessageSeq = null,
    string? AccusedUserId = null,
    string? OwnerId = null,
    FlagContentRequest? Content = null)
{
    public const int MaxUrlLength = 2048;

    public void Validate(RequestErrors errors, string? reporterId)
    {
        if (!errors.Require("target.type", Type))
        {
            return;
        }
        if (Type == TargetType.Chat)
        {
            // Chat evidence comes from the room's own history, never from the caller.
            errors.RequireId("target.roomId", RoomId);
            errors.Range("target.messageSeq", MessageSeq, 1, long.MaxValue);
            if (errors.OptionalId("target.accusedUserId", AccusedUserId) && AccusedUserId is not null && AccusedUserId == reporterId)
            {
                errors.Add("target.accusedUserId", "A reporter cannot flag themselves.");
            }
            const string notForChat = "Not used for chat targets: the evidence is taken from the room's history.";
            errors.Forbid("target.id", Id, notForChat);
            errors.Forbid("target.ownerId", OwnerId, "Not used for chat targets: use accusedUserId.");
            errors.Forbid("target.content", Content, notForChat);
            return;
        }

        var type = WireNames.ToWire(Type!.Value);
        errors.RequireId("target.id", Id);
        if (errors.RequireId("target.ownerId", OwnerId) && OwnerId == reporterId)
        {
            errors.Add("target.ownerId", "A reporter cannot flag themselves.");
        }
        var onlyChat = $"Only for chat targets, not {type}.";
        errors.Forbid("target.roomId", RoomId, onlyChat);
        errors.Forbid("target.messageSeq", MessageSeq, onlyChat);
        errors.Forbid("target.accusedUserId", AccusedUserId, $"Only for chat targets; the owner of a {type} is the accused.");
        if (Content is null || (Content.Text is null && Content.MediaUrl is null))
        {
            errors.Add("target.content", $"Required for {type} targets: text and/or mediaUrl.");
            return;
        }
        errors.OptionalText("target.content.text", Content.Text);
        if (Content.MediaUrl is { } url
            && (url.Length > MaxUrlLength
                || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors.Add("target.content.mediaUrl", $"Must be an absolute http(s) URL of at most {MaxUrlLength} characters.");
        }
    }

    public FlagTarget ToContract() => new(
        Type!.Value,
        Id,
        RoomId,
        MessageSeq,
        AccusedUserId,
        OwnerId,
        Content is null ? null : new FlagContent(Content.Text, Content.MediaUrl));
}

public sealed record FlagContentRequest(string? Text = null, string? MediaUrl = null);

public sealed record FlagAcceptedResponse(string FlagId, FlagStatus Status);

public sealed record FlagStatusResponse(string FlagId, FlagStatus Status, DateTimeOffset UpdatedAt)
{
    public static FlagStatusResponse From(FlagReceipt receipt) => new(receipt.FlagId, receipt.Status, receipt.UpdatedAt);
}
