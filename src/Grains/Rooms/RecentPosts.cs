namespace OrleansSafety.Grains.Rooms;

/// <summary>
/// The acknowledgements of recently posted client message ids, so that a game backend retrying a post after a
/// timeout gets the first acknowledgement back instead of a duplicate message. Bounded, oldest forgotten first.
/// </summary>
internal sealed class RecentPosts(int capacity = 4096)
{
    private readonly Dictionary<string, PostResult> _byId = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public bool TryGet(string clientMessageId, out PostResult result) => _byId.TryGetValue(clientMessageId, out result!);

    public void Remember(string clientMessageId, PostResult result)
    {
        if (!_byId.TryAdd(clientMessageId, result))
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
