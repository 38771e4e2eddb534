namespace OrleansSafety.Grains.Flags;

/// <summary>SPEC §2's flag target table: which fields each target type needs. Violations name the JSON field.</summary>
internal static class FlagRules
{
    public const int MaxContentText = 4000;
    public const int MaxMediaUrl = 2048;

    public static void Validate(FlagSubmission flag)
    {
        RequireId(flag.ReporterId, "reporterId");
        if (flag.Comment is not null && !ChatText.IsValid(flag.Comment))
        {
            throw ModerationException.Invalid("comment", "A comment is 1–2000 characters without control characters other than newline and tab.");
        }
        var target = flag.Target;
        if (target.Type == TargetType.Chat)
        {
            RequireId(target.RoomId, "target.roomId");
            if (target.AccusedUserId is not null)
            {
                RequireId(target.AccusedUserId, "target.accusedUserId");
            }
            if (target.MessageSeq is < 1)
            {
                throw ModerationException.Invalid("target.messageSeq", "messageSeq is a positive message number.");
            }
            return;
        }
        RequireId(target.Id, "target.id");
        RequireId(target.OwnerId, "target.ownerId");
        if (target.Content is not { } content || (content.Text is null && content.MediaUrl is null))
        {
            throw ModerationException.Invalid("target.content", "This target type needs content: text and/or mediaUrl, as the game shows it.");
        }
        if (content.Text is not null && (content.Text.Length is 0 or > MaxContentText || ChatText.HasForbiddenControl(content.Text)))
        {
            throw ModerationException.Invalid("target.content.text", $"Content text is 1–{MaxContentText} characters without control characters.");
        }
        if (content.MediaUrl is not null && !IsMediaUrl(content.MediaUrl))
        {
            throw ModerationException.Invalid("target.content.mediaUrl", "mediaUrl is an absolute http(s) URL of at most 2048 characters.");
        }
    }

    /// <summary>For chat, the accused named in the flag, checked before any evidence is captured.</summary>
    public static void RefuseSelfFlagEarly(FlagSubmission flag)
    {
        if (flag.Target.AccusedUserId is { } accused)
        {
            RefuseSelfFlag(flag, accused);
        }
    }

    public static void RefuseSelfFlag(FlagSubmission flag, string accusedUserId)
    {
        if (accusedUserId == flag.ReporterId)
        {
            throw ModerationException.Invalid(flag.Target.Type == TargetType.Chat ? "target.accusedUserId" : "target.ownerId",
                "You cannot flag yourself.");
        }
    }

    private static bool IsMediaUrl(string url) =>
        url.Length <= MaxMediaUrl
        && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    private static void RequireId(string? id, string field)
    {
        if (!Identifiers.IsValid(id))
        {
            throw ModerationException.Invalid(field, "Required: 1–64 characters from A–Z, a–z, 0–9 and . _ : -");
        }
    }
}
