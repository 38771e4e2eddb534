using OrleansSafety.TestSupport;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>Reads the chat journal's rows straight from a test database, as the journal stored them.</summary>
public static class JournalRows
{
    /// <summary>Every chat row of the given rooms, as the journal stored it.</summary>
    public static async Task<IReadOnlyList<JournalRow>> ReadJournalAsync(this TestDatabase database, IReadOnlyCollection<string> roomIds)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT room_id, seq, user_id, text, sent_at, client_message_id FROM chat_messages WHERE room_id = ANY(@rooms) ORDER BY room_id, seq");
        command.Parameters.AddWithValue("rooms", roomIds.ToArray());
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<JournalRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(
                reader.GetString(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }
}

/// <summary>One row of <c>chat_messages</c>.</summary>
public sealed record JournalRow(string RoomId, long Seq, string UserId, string Text, DateTimeOffset SentAt, string? ClientMessageId);
