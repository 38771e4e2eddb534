namespace OrleansSafety.Grains.Storage;

/// <summary>
/// A room's newest messages in a fixed-size ring, kept in seq order. Adding costs O(1) whatever the room's history,
/// which is how a room grain stays cheap after millions of messages.
/// </summary>
public sealed class MessageWindow(int capacity)
{
    private readonly ChatMessage?[] _ring = new ChatMessage?[Math.Max(1, capacity)];
    private int _start;

    public int Count { get; private set; }

    public long LastSeq => Count == 0 ? 0 : At(Count - 1).Seq;

    public long FirstSeq => Count == 0 ? 0 : At(0).Seq;

    /// <summary>Adds a message. Messages normally arrive in seq order; a late one is slotted into place.</summary>
    public void Add(ChatMessage message)
    {
        if (Count > 0 && message.Seq <= LastSeq)
        {
            InsertOutOfOrder(message);
            return;
        }
        if (Count == _ring.Length)
        {
            _ring[_start] = message;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + Count) % _ring.Length] = message;
            Count++;
        }
    }

    /// <summary>Whether every message from <paramref name="fromSeq"/> on is held here.</summary>
    public bool Covers(long fromSeq) => Count > 0 && fromSeq >= FirstSeq;

    public IReadOnlyList<ChatMessage> Before(long? beforeSeq, int limit)
    {
        var end = Count;
        if (beforeSeq is { } before)
        {
            end = LowerBound(before);
        }
        var from = Math.Max(0, end - limit);
        var result = new ChatMessage[end - from];
        for (var i = from; i < end; i++)
        {
            result[i - from] = At(i);
        }
        return result;
    }

    public IReadOnlyList<ChatMessage> Range(long fromSeq, long toSeq)
    {
        var result = new List<ChatMessage>();
        for (var i = LowerBound(fromSeq); i < Count && At(i).Seq <= toSeq; i++)
        {
            result.Add(At(i));
        }
        return result;
    }

    private ChatMessage At(int index) => _ring[(_start + index) % _ring.Length]!;

    /// <summary>The index of the first message with seq ≥ <paramref name="seq"/>.</summary>
    private int LowerBound(long seq)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (At(mid).Seq < seq)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private void InsertOutOfOrder(ChatMessage message)
    {
        var index = LowerBound(message.Seq);
        if (index < Count && At(index).Seq == message.Seq)
        {
            return; // already held: appends are idempotent per seq
        }
        var items = Before(null, Count).ToList();
        items.Insert(index, message);
        Array.Clear(_ring);
        _start = 0;
        Count = 0;
        foreach (var item in items.Skip(Math.Max(0, items.Count - _ring.Length)))
        {
            _ring[Count++] = item;
        }
    }
}
