namespace OrleansSafety.Contracts.Model;

[GenerateSerializer, Immutable, Alias("flag-content")]
public sealed record FlagContent(
    [property: Id(0)] string? Text,
    [property: Id(1)] string? MediaUrl);

/// <summary>The item a flag names (SPEC §2, flag targets). Which fields are required depends on <see cref="Type"/>.</summary>
[GenerateSerializer, Immutable, Alias("flag-target")]
public sealed record FlagTarget(
    [property: Id(0)] TargetType Type,
    [property: Id(1)] string? Id = null,
    [property: Id(2)] string? RoomId = null,
    [property: Id(3)] long? MessageSeq = null,
    [property: Id(4)] string? AccusedUserId = null,
    [property: Id(5)] string? OwnerId = null,
    [property: Id(6)] FlagContent? Content = null);

[GenerateSerializer, Immutable, Alias("flag-submission")]
public sealed record FlagSubmission(
    [property: Id(0)] string ReporterId,
    [property: Id(1)] FlagTarget Target,
    [property: Id(2)] FlagReason Reason,
    [property: Id(3)] string? Comment,
    [property: Id(4)] string? FlagId = null);

/// <summary>What the reporter (and only the reporter) sees of a flag.</summary>
[GenerateSerializer, Immutable, Alias("flag-receipt")]
public sealed record FlagReceipt(
    [property: Id(0)] string FlagId,
    [property: Id(1)] FlagStatus Status,
    [property: Id(2)] DateTimeOffset UpdatedAt);

/// <summary>Evidence frozen at flag time, with a SHA-256 over its canonical form.</summary>
[GenerateSerializer, Immutable, Alias("evidence")]
public sealed record Evidence(
    [property: Id(0)] IReadOnlyList<ChatMessage>? Messages,
    [property: Id(1)] FlagContent? Content,
    [property: Id(2)] long? FlaggedSeq,
    [property: Id(3)] DateTimeOffset CapturedAt,
    [property: Id(4)] string Sha256);
