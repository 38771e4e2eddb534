namespace OrleansSafety.Grains.Storage;

/// <summary>
/// Where chat messages become durable. A silo-wide service rather than grain state, so that one round trip can
/// carry many rooms' messages (group commit) and a message costs the same however long the room's history is.
/// </summary>
public interface IChatJournal
{
    /// <summary>Completes once the message is durable; only then may the room acknowledge it.</summary>
    ValueTask AppendAsync(string roomId, ChatMessage message);

    /// <summary>Up to <paramref name="limit"/> messages with seq below <paramref name="beforeSeq"/> (or the latest), oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadAsync(string roomId, long? beforeSeq, int limit);

    /// <summary>Messages with seq in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>], oldest first.</summary>
    Task<IReadOnlyList<ChatMessage>> ReadRangeAsync(string roomId, long fromSeq, long toSeq);

    /// <summary>The highest seq stored for the room, 0 when it has none.</summary>
    Task<long> GetLastSeqAsync(string roomId);
}
