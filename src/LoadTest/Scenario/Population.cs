using System.Globalization;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Who exists in a run, all named from the run id: rooms with an owner and a moderator each, users who each chat in
/// one room (user u belongs to room u mod R, as players stay in the room they are in), agents, seniors, a verifier.
/// </summary>
public sealed class Population
{
    public Population(string runId, int rooms, int users, string? roomTag = null)
    {
        RunId = runId;
        RoomTag = roomTag ?? "r";
        Rooms = rooms;
        UsersPerRoom = Math.Max(2, (users + rooms - 1) / rooms);
    }

    public string RunId { get; }

    /// <summary>Tells apart the rooms of phases that need fresh rooms (sweeps).</summary>
    public string RoomTag { get; }

    public int Rooms { get; }

    /// <summary>At least two, so a room always has someone to flag someone else.</summary>
    public int UsersPerRoom { get; }

    public int Users => Rooms * UsersPerRoom;

    public string Room(int room) => $"{RunId}-{RoomTag}{room.ToString(CultureInfo.InvariantCulture)}";

    public string Owner(int room) => $"{RunId}-own-{RoomTag}{room.ToString(CultureInfo.InvariantCulture)}";

    public string Moderator(int room) => $"{RunId}-mod-{RoomTag}{room.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Member <paramref name="member"/> of room <paramref name="room"/>: user room + R × member.</summary>
    public int UserOf(int room, int member) => room + Rooms * member;

    public int RoomOfUser(int user) => user % Rooms;

    public string User(int user) => $"{RunId}-{RoomTag}u{user.ToString(CultureInfo.InvariantCulture)}";

    public string Agent(int agent) => $"{RunId}-agent-{agent.ToString(CultureInfo.InvariantCulture)}";

    public string Senior(int senior) => $"{RunId}-senior-{senior.ToString(CultureInfo.InvariantCulture)}";

    public string Verifier => $"{RunId}-verifier";

    /// <summary>Reporters from outside the chat population, used once every member's allowance is spent.</summary>
    public string ExtraReporter(int n) => $"{RunId}-rep-{n.ToString(CultureInfo.InvariantCulture)}";

    public static string PasswordOf(string agentId) => $"pw-{agentId}-load-test";
}
