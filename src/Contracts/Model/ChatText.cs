namespace OrleansSafety.Contracts.Model;

/// <summary>Rules for free text: chat messages, appeal texts and responses.</summary>
public static class ChatText
{
    public const int MaxLength = 2000;

    /// <summary>1–2000 characters, no control characters except newline and tab.</summary>
    public static bool IsValid(string? text, int maxLength = MaxLength) =>
        !string.IsNullOrEmpty(text) && text.Length <= maxLength && !HasForbiddenControl(text);

    public static bool HasForbiddenControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not '\n' and not '\t')
            {
                return true;
            }
        }
        return false;
    }
}
