namespace OrleansSafety.Contracts.Model;

/// <summary>What a flag points at. The wire names are snake_case (see <see cref="WireNames"/>).</summary>
public enum TargetType
{
    Chat,
    PrivateMessage,
    AvatarPhoto,
    FeedPhoto,
    FeedComment,
    VirtualProduct,
    RoomProfile,
    UserProfile,
}

/// <summary>Why something was flagged. Declared from least to most severe so the numeric value orders severity.</summary>
public enum FlagReason
{
    Other,
    Spam,
    Impersonation,
    Scam,
    Harassment,
    Hate,
    SexualContent,
    Violence,
    Underage,
    SelfHarm,
}

public enum FlagStatus
{
    Received,
    InReview,
    ActionTaken,
    NoViolation,
}

public enum CaseStatus
{
    Open,
    Claimed,
    Resolved,
}

public enum CaseOutcome
{
    Violation,
    NoViolation,
}

public enum SanctionKind
{
    Warning,
    Mute,
    Suspension,
    Ban,
}

public enum AppealStatus
{
    Pending,
    InReview,
    Upheld,
    Overturned,
}

public enum AppealOutcome
{
    Upheld,
    Overturned,
}

/// <summary>Why a chat message was refused; the gateway turns it into the problem type of SPEC §3.</summary>
public enum ChatRefusal
{
    UserMuted,
    UserSuspended,
    UserBanned,
    UserBooted,
}

[Flags]
public enum AgentRoles
{
    None = 0,
    Agent = 1,
    Senior = 2,
    Admin = 4,
}
