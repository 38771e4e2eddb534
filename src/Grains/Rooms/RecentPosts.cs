using System.Diagnostics.CodeAnalysis;

namespace OrleansSafety.Grains.Rooms;

/// <summary>
/// The acknowledgements of recently posted client message ids, so that a game backend retrying a post after a
/// timeout gets the first acknowledgement back instead of a duplicate message. Bounded, oldest forgotten first.
/// Only accepted posts are remembered, as their seq and time: plain values, so a remembered post keeps no
/// acknowledgement object alive for the silo's collector to copy (see <see cref="Storage.MessageWindow"/>).
/// </summary>
internal sealed class RecentPosts(int capacity = 4096)
{
    private readonly Dictionary<string, (long Seq, DateTimeOffset SentAt)> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool TryGet(string clientMessageId, [NotNullWhen(true)] out PostResult? result)
    {
        result = _byId.TryGetValue(clientMessageId, out var accepted) ? new PostResult(accepted.Seq, accepted.SentAt) : null;
        return result is not null;
    }

    public void Remember(string clientMessageId, long seq, DateTimeOffset sentAt)
    {
        if (!_byId.TryAdd(clientMessageId, (seq, sentAt)))
        {
            return;
        }
        _order.Enqueue(clientMessageId);
        if (_order.Count > capacity)
        {
            _byId.Remove(_order.Dequeue());
        }
    }
}
