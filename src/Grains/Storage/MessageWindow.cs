using System.Text;

namespace OrleansSafety.Grains.Storage;

/// <summary>
/// A room's newest messages in a fixed-size ring, kept in seq order. Adding costs O(1) whatever the room's history,
/// which is how a room grain stays cheap after millions of messages.
/// </summary>
/// <remarks>
/// Kept messages hold no object of their own: each is a <see cref="Slot"/> of plain values in one array, its user id,
/// text and client message id encoded as UTF-8 in one byte buffer (<see cref="ByteRing"/>). A message lives in a
/// window for seconds to hours, long enough to survive the silo's young-generation collections; as a record with
/// three strings it was copied twice on the way to the oldest generation, and those copies were most of what the
/// silo's collections did under chat load (docs/BENCHMARKS.md, recommendation 13). Reads build
/// <see cref="ChatMessage"/>s, which die young. UTF-8 keeps every kept string exactly: ids are ASCII, and texts are
/// well-formed UTF-16 (<see cref="ChatText"/> refuses lone surrogates), which is all UTF-8 can carry.
/// </remarks>
public sealed class MessageWindow(int capacity)
{
    private const int FirstSlots = 8;

    private readonly int _capacity = Math.Max(1, capacity);
    private readonly ByteRing _bytes = new();

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
        var userIdLength = Encoding.UTF8.GetByteCount(message.UserId);
        var textLength = Encoding.UTF8.GetByteCount(message.Text);
        var clientIdLength = clientId is null ? -1 : Encoding.UTF8.GetByteCount(clientId);
        var length = userIdLength + textLength + Math.Max(0, clientIdLength);
        if (!_bytes.TryReserve(length, OldestOffset(), NewestEnd(), out var offset))
        {
            offset = Compact(length);
        }
        var written = _bytes.Buffer.AsSpan(offset, length);
        Encoding.UTF8.GetBytes(message.UserId, written);
        Encoding.UTF8.GetBytes(message.Text, written[userIdLength..]);
        Encoding.UTF8.GetBytes(clientId.AsSpan(), written[(userIdLength + textLength)..]);
        _slots[(_start + Count) % _slots.Length] = new Slot(message.Seq, message.SentAt, offset, userIdLength, textLength, clientIdLength);
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
        var bytes = _bytes.Buffer.AsSpan(slot.Offset);
        var userId = Encoding.UTF8.GetString(bytes[..slot.UserIdLength]);
        var text = Encoding.UTF8.GetString(bytes.Slice(slot.UserIdLength, slot.TextLength));
        var clientId = slot.ClientIdLength < 0 ? null : Encoding.UTF8.GetString(bytes.Slice(slot.UserIdLength + slot.TextLength, slot.ClientIdLength));
        return new ChatMessage(slot.Seq, userId, text, slot.SentAt, clientId);
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

    /// <summary>Moves the kept messages' bytes together (in a larger buffer if need be); returns where the new message's go.</summary>
    private int Compact(int length)
    {
        // On the stack for a room's window (200); a larger one (the demo's in-memory journal) takes an array.
        Span<(int Offset, int Length)> records = Count <= 256 ? stackalloc (int, int)[Count] : new (int, int)[Count];
        for (var i = 0; i < Count; i++)
        {
            ref readonly var slot = ref SlotAt(i);
            records[i] = (slot.Offset, slot.Length);
        }
        var offset = _bytes.Compact(records, length);
        for (var i = 0; i < Count; i++)
        {
            ref var slot = ref _slots[(_start + i) % _slots.Length];
            slot = slot with { Offset = records[i].Offset };
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

    /// <summary>One kept message: its values, and where its user id, text and client id lie in the byte buffer (lengths in bytes).</summary>
    private readonly record struct Slot(long Seq, DateTimeOffset SentAt, int Offset, int UserIdLength, int TextLength, int ClientIdLength)
    {
        public int Length => UserIdLength + TextLength + Math.Max(0, ClientIdLength);

        public int End => Offset + Length;
    }
}
