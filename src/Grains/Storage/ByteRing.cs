using System.Buffers;

namespace OrleansSafety.Grains.Storage;

/// <summary>
/// The byte buffer behind a <see cref="MessageWindow"/>: records are written at the newest end and freed from the
/// oldest, so the used part is one run of bytes that may wrap round the buffer's end. The window knows where its
/// records lie; this finds the room for the next one, and moves the records together when it cannot.
/// </summary>
internal sealed class ByteRing
{
    private const int MinimumSize = 256;

    public byte[] Buffer { get; private set; } = [];

    /// <summary>
    /// Finds <paramref name="length"/> free bytes after the newest record without overwriting the oldest.
    /// </summary>
    /// <param name="oldestStart">Where the oldest kept record starts; negative when nothing is kept.</param>
    /// <param name="newestEnd">Where the newest kept record ends; negative when nothing is kept.</param>
    public bool TryReserve(int length, int oldestStart, int newestEnd, out int offset)
    {
        offset = 0;
        if (oldestStart < 0)
        {
            return length <= Buffer.Length;
        }
        if (newestEnd > oldestStart)
        {
            // One run [oldest, newest): free space after it, or from the start up to the oldest record.
            if (Buffer.Length - newestEnd >= length)
            {
                offset = newestEnd;
                return true;
            }
            return length <= oldestStart;
        }
        // Wrapped round: the only free space lies between the newest record's end and the oldest's start.
        offset = newestEnd;
        return oldestStart - newestEnd >= length;
    }

    /// <summary>
    /// Moves the records, oldest first, to the front of the buffer, with room for <paramref name="length"/> more
    /// bytes after them. The buffer is replaced only when the records would fill more than two thirds of it: a
    /// third free keeps compactions rare, and 1.5 × what is kept is what a room costs at most.
    /// </summary>
    /// <param name="records">Where each record lies now, oldest first; updated to where it lies after.</param>
    /// <returns>Where the new record goes: right after the moved ones.</returns>
    public int Compact(Span<(int Offset, int Length)> records, int length)
    {
        var kept = 0;
        foreach (var record in records)
        {
            kept += record.Length;
        }
        // Gathered in a pooled buffer first: in place, a record may move onto one not yet moved.
        var gathered = ArrayPool<byte>.Shared.Rent(Math.Max(1, kept));
        var offset = 0;
        foreach (ref var record in records)
        {
            Buffer.AsSpan(record.Offset, record.Length).CopyTo(gathered.AsSpan(offset));
            record.Offset = offset;
            offset += record.Length;
        }
        var needed = kept + length;
        if (needed * 3 > Buffer.Length * 2)
        {
            Buffer = new byte[Math.Max(MinimumSize, needed + (needed / 2))];
        }
        gathered.AsSpan(0, kept).CopyTo(Buffer);
        ArrayPool<byte>.Shared.Return(gathered);
        return kept;
    }
}
