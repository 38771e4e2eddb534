namespace OrleansSafety.Grains.Storage;

/// <summary>
/// The character buffer behind a <see cref="MessageWindow"/>: records are written at the newest end and freed from
/// the oldest, so the used part is one run of characters that may wrap round the buffer's end. The window knows
/// where its records lie; this finds the room for the next one.
/// </summary>
internal sealed class CharRing
{
    public const int MinimumSize = 256;

    public char[] Buffer { get; private set; } = [];

    /// <summary>
    /// Finds <paramref name="length"/> free characters after the newest record without overwriting the oldest.
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

    /// <summary>Starts a new, empty buffer of <paramref name="size"/> characters and hands back the old one to copy from.</summary>
    public char[] Replace(int size)
    {
        var old = Buffer;
        Buffer = new char[size];
        return old;
    }
}
