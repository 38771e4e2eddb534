namespace OrleansSafety.Grains.Storage;

/// <summary>
/// A room's newest messages in a fixed-size ring, kept in seq order. Adding costs O(1) whatever the room's history,
/// which is how a room grain stays cheap after millions of messages.
/// </summary>
/// <remarks>
/// Kept messages hold no object of their own: each is a <see cref="Slot"/> of plain values in one array, its user id,
/// text and client message id copied into one character buffer (<see cref="CharRing"/>). A message lives in a window
/// for seconds to hours, long enough to survive the collections of the silo's youngest generation; as a record with
/// three strings it was copied twice on the way to the oldest one, and those copies were most of what the silo's
/// collections did under chat load (docs/BENCHMARKS.md, recommendation 13). Reads build <see cref="ChatMessage"/>s,
/// which die young.
/// </remarks>
public sealed class MessageWindow(int capacity)
{
    private const int FirstSlots = 8;

    private readonly int _capacity = Math.Max(1, capacity);
    private readonly CharRing _chars = new();

    // Grows by doubling up to the capacity: most rooms never keep the full window (100,000 rooms of 50 messages).
    private Slot[] _slots = [];
    private int _start;

    public int Count { get; private set; }

    public long LastSeq => Count == 0 ? 0 : SlotAt(Count - 1).Seq;

    public long FirstSeq => Count == 0 ? 0 : SlotAt(0).Seq;

    /// <summary>Adds a message. Messages normally arrive in seq order; a late one is slotted into place.</summary>
    public void Add(ChatMessage message)
    {
        if (Count > 0 && message.Seq <= LastSeq)
        {
            InsertOutOfOrder(message);
            return;
        }
        if (Count == _capacity)
        {
            _start = (_start + 1) % _slots.Length;
            Count--;
        }
        else if (Count == _slots.Length)
        {
            GrowSlots();
        }
        var clientId = message.ClientMessageId;
        var length = message.UserId.Length + message.Text.Length + (clientId?.Length ?? 0);
        if (!_chars.TryReserve(length, OldestOffset(), NewestEnd(), out var offset))
        {
            offset = Compact(length);
        }
        var written = _chars.Buffer.AsSpan(offset, length);
        message.UserId.CopyTo(written);
        message.Text.CopyTo(written[message.UserId.Length..]);
        clientId?.CopyTo(written[(message.UserId.Length + message.Text.Length)..]);
        _slots[(_start + Count) % _slots.Length] = new Slot(
            message.Seq, message.SentAt, offset, message.UserId.Length, message.Text.Length, clientId?.Length ?? -1);
        Count++;
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
            result[i - from] = MessageAt(i);
        }
        return result;
    }

    public IReadOnlyList<ChatMessage> Range(long fromSeq, long toSeq)
    {
        var result = new List<ChatMessage>();
        for (var i = LowerBound(fromSeq); i < Count && SlotAt(i).Seq <= toSeq; i++)
        {
            result.Add(MessageAt(i));
        }
        return result;
    }

    private ref readonly Slot SlotAt(int index) => ref _slots[(_start + index) % _slots.Length];

    private ChatMessage MessageAt(int index)
    {
        var slot = SlotAt(index);
        var chars = _chars.Buffer.AsSpan(slot.Offset);
        var text = chars.Slice(slot.UserIdLength, slot.TextLength);
        var clientId = slot.ClientIdLength < 0 ? null : new string(chars.Slice(slot.UserIdLength + slot.TextLength, slot.ClientIdLength));
        return new ChatMessage(slot.Seq, new string(chars[..slot.UserIdLength]), new string(text), slot.SentAt, clientId);
    }

    private int OldestOffset() => Count == 0 ? -1 : SlotAt(0).Offset;

    private int NewestEnd() => Count == 0 ? -1 : SlotAt(Count - 1).End;

    private void GrowSlots()
    {
        var grown = new Slot[Math.Min(_capacity, Math.Max(FirstSlots, _slots.Length * 2))];
        for (var i = 0; i < Count; i++)
        {
            grown[i] = SlotAt(i);
        }
        _slots = grown;
        _start = 0;
    }

    /// <summary>
    /// Moves the kept messages' characters to the front of a buffer with room for <paramref name="length"/> more
    /// (a larger one if they would fill more than half of it) and returns where the new message's characters go.
    /// </summary>
    private int Compact(int length)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            kept += SlotAt(i).Length;
        }
        var old = _chars.Replace(Math.Max(CharRing.MinimumSize, 2 * (kept + length)));
        var offset = 0;
        for (var i = 0; i < Count; i++)
        {
            ref var slot = ref _slots[(_start + i) % _slots.Length];
            old.AsSpan(slot.Offset, slot.Length).CopyTo(_chars.Buffer.AsSpan(offset));
            slot = slot with { Offset = offset };
            offset += slot.Length;
        }
        return offset;
    }

    /// <summary>The index of the first message with seq ≥ <paramref name="seq"/>.</summary>
    private int LowerBound(long seq)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (SlotAt(mid).Seq < seq)
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
        if (index < Count && SlotAt(index).Seq == message.Seq)
        {
            return; // already held: appends are idempotent per seq
        }
        // Rare (a journal read racing a post): rebuilding the window in order is simpler than shifting slots.
        var items = Before(null, Count).ToList();
        items.Insert(index, message);
        _start = 0;
        Count = 0;
        foreach (var item in items.Skip(Math.Max(0, items.Count - _capacity)))
        {
            Add(item);
        }
    }

    /// <summary>One kept message: its values, and where its user id, text and client id lie in the character buffer.</summary>
    private readonly record struct Slot(long Seq, DateTimeOffset SentAt, int Offset, int UserIdLength, int TextLength, int ClientIdLength)
    {
        public int Length => UserIdLength + TextLength + Math.Max(0, ClientIdLength);

        public int End => Offset + Length;
    }
}
