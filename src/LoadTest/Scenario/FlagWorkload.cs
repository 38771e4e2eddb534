using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Flags in a realistic mix: chat flags naming a recent message (45 %), chat flags naming only the accused (15 %),
/// the other target types with content from the game backend (25 %), and another reporter joining a recently
/// flagged target (15 %, so cases gather several reporters). Reporters stay within the per-reporter limit.
/// </summary>
public sealed class FlagWorkload(IModerationTarget target, Population people, Ledger ledger, ReporterBudget budget, int seed, int stream)
{
    private static readonly string[] OtherTypes =
        ["private_message", "avatar_photo", "feed_photo", "feed_comment", "virtual_product", "room_profile", "user_profile"];

    // Weighted like a real queue: much harassment and spam, a little of the severe kinds.
    private static readonly (string Reason, int Weight)[] Reasons =
    [
        ("harassment", 30), ("spam", 20), ("hate", 10), ("scam", 10), ("sexual_content", 8), ("other", 8),
        ("impersonation", 6), ("violence", 4), ("self_harm", 2), ("underage", 2),
    ];

    private readonly PlannedFlag?[] _recent = new PlannedFlag?[64];
    private long _recentCount;

    public Operation File => async (index, ct) =>
    {
        var planned = Plan(index);
        var flagId = await target.FileFlagAsync(planned.Spec, ct);
        ledger.FlagAcked(new AckedFlag(flagId, planned.Spec.ReporterId, planned.Accused, planned.TargetKey));
        _recent[Interlocked.Increment(ref _recentCount) % _recent.Length] = planned;
    };

    /// <summary>The flag for operation <paramref name="index"/>: the spec, the accused user and the target's key.</summary>
    public PlannedFlag Plan(long index)
    {
        var h = Hash.Of(seed, stream, index);
        var kind = Hash.Pick(h, 100);
        var reason = PickReason(Hash.Pick(h, 100, 8));
        if (kind >= 85 && Duplicate(h, reason) is { } duplicate)
        {
            return duplicate;
        }
        if (kind < 60)
        {
            return Chat(h, reason, withSeq: kind < 45);
        }
        return Other(h, reason);
    }

    private PlannedFlag Chat(ulong h, string reason, bool withSeq)
    {
        var room = Hash.Pick(h, people.Rooms, 16);
        var roomId = people.Room(room);
        var recent = withSeq ? ledger.RecentMessage(roomId, Hash.Pick(h, 10, 40)) : null;
        var accused = recent is { } message ? message.User : people.UserOf(room, Hash.Pick(h, people.UsersPerRoom, 32));
        var accusedId = people.User(accused);
        var reporter = budget.Take(Members(room, Hash.Pick(h, people.UsersPerRoom, 48)), accusedId);
        var spec = recent is { } m
            ? new FlagSpec(reporter, "chat", reason, RoomId: roomId, MessageSeq: m.Seq)
            : new FlagSpec(reporter, "chat", reason, RoomId: roomId, AccusedUserId: accusedId);
        return new PlannedFlag(spec, accusedId, $"chat/{roomId}/{accusedId}", room);
    }

    private PlannedFlag Other(ulong h, string reason)
    {
        var type = OtherTypes[Hash.Pick(h, OtherTypes.Length, 16)];
        var item = Hash.Pick(h, Math.Max(1, people.Users / 2), 24);
        // An item always has the same owner, as in the game.
        var owner = people.User((int)((item * 7919L) % people.Users));
        var reporterRoom = Hash.Pick(h, people.Rooms, 44);
        var reporter = budget.Take(Members(reporterRoom, 0), owner);
        var itemId = $"{people.RunId}-{type}-{item}";
        var media = type is "avatar_photo" or "feed_photo";
        var spec = new FlagSpec(
            reporter, type, reason, ItemId: itemId, OwnerId: owner,
            ContentText: media ? null : TextCorpus.Line(item),
            MediaUrl: media ? $"https://media.game.invalid/{itemId}.png" : null,
            Comment: "flagged by the load test");
        return new PlannedFlag(spec, owner, $"{type}/{itemId}", reporterRoom);
    }

    /// <summary>Another reporter for a recently flagged target; null before anything was flagged.</summary>
    private PlannedFlag? Duplicate(ulong h, string reason)
    {
        var count = Interlocked.Read(ref _recentCount);
        if (count == 0 || _recent[(count - Hash.Pick(h, (int)Math.Min(count, _recent.Length), 20)) % _recent.Length] is not { } earlier)
        {
            return null;
        }
        var reporter = budget.Take(Members(earlier.Room, Hash.Pick(h, people.UsersPerRoom, 36)).Where(r => r != earlier.Spec.ReporterId), earlier.Accused);
        return earlier with { Spec = earlier.Spec with { ReporterId = reporter, Reason = reason } };
    }

    /// <summary>The room's members as reporter candidates, starting at <paramref name="first"/>.</summary>
    private IEnumerable<string> Members(int room, int first)
    {
        for (var i = 0; i < people.UsersPerRoom; i++)
        {
            yield return people.User(people.UserOf(room, (first + i) % people.UsersPerRoom));
        }
    }

    private static string PickReason(int percent)
    {
        foreach (var (reason, weight) in Reasons)
        {
            if (percent < weight)
            {
                return reason;
            }
            percent -= weight;
        }
        return "other";
    }

    /// <summary>A flag to file: the accused, the target's key, and the room whose members report it again.</summary>
    public sealed record PlannedFlag(FlagSpec Spec, string Accused, string TargetKey, int Room);
}
