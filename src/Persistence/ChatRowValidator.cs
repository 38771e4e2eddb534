using System.Text;
using OrleansSafety.Contracts.Model;

namespace OrleansSafety.Persistence;

/// <summary>
/// Checks that PostgreSQL can store a message, before it joins a batch where a bad row would fail every other
/// row: text columns cannot hold NUL, and strings must be well-formed UTF-16 to be sent as UTF-8.
/// </summary>
internal static class ChatRowValidator
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void ThrowIfUnstorable(string roomId, ChatMessage message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(message.Seq, 1L, nameof(message));
        ThrowIfUnstorable(roomId, nameof(roomId));
        ThrowIfUnstorable(message.UserId, "message.UserId");
        ThrowIfUnstorable(message.Text, "message.Text");
    }

    private static void ThrowIfUnstorable(string? value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL text cannot contain NUL characters.", name);
        }
        try
        {
            _ = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The string is not well-formed UTF-16 (lone surrogate).", name, ex);
        }
    }
}
