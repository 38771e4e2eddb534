using System.Security.Cryptography;
using System.Text.Json;

namespace OrleansSafety.Grains.Cases;

/// <summary>
/// The SHA-256 of evidence in a canonical JSON form (fixed field order, ISO-8601 UTC times). Anyone holding the
/// evidence can recompute it and prove it was not altered after the flag.
/// </summary>
public static class EvidenceHasher
{
    public static string Compute(string? roomId, long? flaggedSeq, IReadOnlyList<ChatMessage>? messages, FlagContent? content)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("roomId", roomId);
            if (flaggedSeq is { } seq)
            {
                json.WriteNumber("flaggedSeq", seq);
            }
            else
            {
                json.WriteNull("flaggedSeq");
            }
            json.WriteStartArray("messages");
            foreach (var m in messages ?? [])
            {
                json.WriteStartObject();
                json.WriteNumber("seq", m.Seq);
                json.WriteString("userId", m.UserId);
                json.WriteString("text", m.Text);
                json.WriteString("sentAt", m.SentAt.UtcDateTime.ToString("O"));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteString("contentText", content?.Text);
            json.WriteString("contentMediaUrl", content?.MediaUrl);
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(stream.ToArray()));
    }

    public static Evidence ForChat(string roomId, long? flaggedSeq, IReadOnlyList<ChatMessage> messages, DateTimeOffset capturedAt) =>
        new(messages, null, flaggedSeq, capturedAt, Compute(roomId, flaggedSeq, messages, null));

    public static Evidence ForContent(FlagContent content, DateTimeOffset capturedAt) =>
        new(null, content, null, capturedAt, Compute(null, null, null, content));

    /// <summary>Whether the evidence still matches its hash.</summary>
    public static bool Verify(string? roomId, Evidence evidence) =>
        Compute(roomId, evidence.FlaggedSeq, evidence.Messages, evidence.Content) == evidence.Sha256;
}
