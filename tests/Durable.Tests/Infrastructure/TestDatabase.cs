using Npgsql;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// A database of one fixture, so that runs and fixtures never see each other's rows (membership rows of dead silos
/// included). Silos migrate it when they start; <see cref="DataSource"/> is for the tests' own queries.
/// </summary>
public sealed class TestDatabase(PostgresServer server, string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;
    private int _disposed;

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>A small pool of the tests' own, created on first use.</summary>
    public NpgsqlDataSource DataSource =>
        _dataSource ??= NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { MaxPoolSize = 4 }.ConnectionString);

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<T>> ColumnAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }
        return values;
    }

    /// <summary>Every chat row of the given rooms, as the journal stored it.</summary>
    public async Task<IReadOnlyList<JournalRow>> ReadJournalAsync(IReadOnlyCollection<string> roomIds)
    {
        await using var command = DataSource.CreateCommand(
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await server.DropDatabaseAsync(Name);
    }
}

/// <summary>One row of <c>chat_messages</c>.</summary>
public sealed record JournalRow(string RoomId, long Seq, string UserId, string Text, DateTimeOffset SentAt, string? ClientMessageId);
