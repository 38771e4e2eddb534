namespace OrleansSafety.Grains.Rooms;

/// <summary>
/// What a room persists: who runs it and who is booted. Chat is not here — it lives in the chat journal, so
/// this state stays small and is written only when the room's setup or boots change, never per message.
/// </summary>
[GenerateSerializer, Alias("room-state")]
public sealed class RoomState
{
    [Id(0)] public string? OwnerId { get; set; }

    [Id(1)] public List<string> ModeratorIds { get; set; } = [];

    [Id(2)] public string? Name { get; set; }

    /// <summary>The current boot per user (ended boots are pruned when the room next changes).</summary>
    [Id(3)] public Dictionary<string, BootView> Boots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The room's log of boots and unboots, newest last, bounded.</summary>
    [Id(4)] public List<BootView> BootLog { get; set; } = [];
}
