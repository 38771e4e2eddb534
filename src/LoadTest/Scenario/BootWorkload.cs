using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>Room owners and moderators booting a member for a minute (the booted member's next posts there are refused).</summary>
public sealed class BootWorkload(IModerationTarget target, Population people, Ledger ledger, int seed, int stream)
{
    public Operation Boot => async (index, ct) =>
    {
        var h = Hash.Of(seed, stream, index);
        var room = Hash.Pick(h, people.Rooms);
        var actor = Hash.Pick(h, 2, 40) == 0 ? people.Owner(room) : people.Moderator(room);
        var user = people.User(people.UserOf(room, Hash.Pick(h, people.UsersPerRoom, 20)));
        await target.BootAsync(people.Room(room), actor, user, minutes: 1, ct);
        ledger.BootAcked();
    };
}
