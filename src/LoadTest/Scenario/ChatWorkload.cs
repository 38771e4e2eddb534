using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>Chat: operation k posts line k to a room chosen by hash, by one of that room's members.</summary>
public sealed class ChatWorkload(IModerationTarget target, Population people, Ledger ledger, int seed, int stream)
{
    public Operation Post => async (index, ct) =>
    {
        var h = Hash.Of(seed, stream, index);
        var room = Hash.Pick(h, people.Rooms);
        var user = people.UserOf(room, Hash.Pick(h, people.UsersPerRoom, 24));
        var textId = (int)(index & int.MaxValue) ^ (stream << 24);
        var roomId = people.Room(room);
        var ack = await target.PostMessageAsync(roomId, people.User(user), TextCorpus.Line(textId), ct);
        ledger.MessageAcked(roomId, new AckedMessage(ack.Seq, user, textId));
    };

    /// <summary>
    /// History: operation k posts to room k mod R, so the rooms fill evenly and in parallel, and round r is posted by
    /// member r mod (members): with at least as many rounds as members, every user has posted once, so no user grain
    /// is activated for the first time inside a measured phase.
    /// </summary>
    public Operation Preload => async (index, ct) =>
    {
        var room = (int)(index % people.Rooms);
        var user = people.UserOf(room, (int)(index / people.Rooms % people.UsersPerRoom));
        var textId = (int)(index & int.MaxValue) ^ (stream << 24);
        var roomId = people.Room(room);
        var ack = await target.PostMessageAsync(roomId, people.User(user), TextCorpus.Line(textId), ct);
        ledger.MessageAcked(roomId, new AckedMessage(ack.Seq, user, textId));
    };
}
