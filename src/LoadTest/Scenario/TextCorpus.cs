namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Deterministic chat lines of typical length (20–120 characters) built from a small vocabulary: a message is
/// identified by a number, so the ledger keeps 4 bytes instead of the text and the verifier can rebuild it.
/// </summary>
public static class TextCorpus
{
    private static readonly string[] Words =
    [
        "anyone", "up", "for", "a", "race", "nice", "build", "gg", "wp", "lol", "where", "is", "the", "party", "tonight",
        "new", "avatar", "looks", "great", "who", "wants", "to", "trade", "hat", "come", "lobby", "quest", "boss", "level",
        "brb", "back", "thanks", "hello", "everyone", "music", "dance", "floor", "open", "join", "team", "blue", "red",
    ];

    public static string Line(int textId)
    {
        // A small LCG over the id: the same id gives the same line on every machine and every run.
        var state = (uint)textId * 2654435761u + 12345u;
        var length = 4 + (int)(state % 16);
        var parts = new string[length];
        for (var i = 0; i < length; i++)
        {
            state = state * 1664525u + 1013904223u;
            parts[i] = Words[(state >> 8) % (uint)Words.Length];
        }
        return string.Join(' ', parts);
    }
}
