namespace OrleansSafety.Contracts.Model;

/// <summary>Rules for free text: chat messages, appeal texts and responses.</summary>
public static class ChatText
{
    public const int MaxLength = 2000;

    /// <summary>1–2000 characters, no control characters except newline and tab, well-formed UTF-16.</summary>
    public static bool IsValid(string? text, int maxLength = MaxLength) =>
        !string.IsNullOrEmpty(text) && text.Length <= maxLength && !HasForbiddenControl(text);

    /// <summary>
    /// Control characters other than newline and tab, or a lone surrogate (JSON can carry "\uD800", which no
    /// database or browser can store or show faithfully).
    /// </summary>
    public static bool HasForbiddenControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not '\n' and not '\t')
            {
                return true;
            }
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return true;
            }
        }
        return false;
    }
}
