using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// Statements are prepared automatically (ModerationDatabase); a prepared statement first used on a fresh database,
/// while its table is nearly empty, must not keep a plan made for that empty table once the table has grown.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PreparedStatementPlanTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await server.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_journal_conflict_check_prepared_on_an_empty_table_still_reads_by_index_once_the_table_has_grown()
    {
        await _db.MigrateAsync();
        await using var database = new ModerationDatabase(_db.ConnectionString);
        await using var connection = await database.DataSource.OpenConnectionAsync();

        // The journal's conflict check (a join of the batch with chat_messages), run on the fresh, empty table often
        // enough to be prepared (Npgsql: from the 5th use) and then for PostgreSQL to weigh one generic plan (after 5
        // executions of the prepared statement) — for an empty table, a hash join over a sequential scan.
        for (var seq = 1; seq <= 20; seq++)
        {
            await using var command = ConflictCheck(connection, seq);
            await command.ExecuteNonQueryAsync();
        }
        var name = await TextAsync(connection, "SELECT name FROM pg_prepared_statements WHERE statement LIKE '%JOIN chat_messages%'");
        Assert.NotNull(name); // prepared: what follows is about the prepared statement's plan

        await ExecuteAsync(connection, """
            INSERT INTO chat_messages (room_id, seq, user_id, text, sent_at)
            SELECT 'room-' || (g % 1000), g, 'user', 'text', now() FROM generate_series(100, 200000) AS g
            """);
        var plan = await TextAsync(connection,
            $"EXPLAIN (COSTS OFF) EXECUTE {name}('{{room-9}}', '{{9}}', '{{user}}', '{{text}}')");

        Assert.Contains("chat_messages_pkey", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on chat_messages", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_plan_every_execution_for_its_parameters()
    {
        await using var database = new ModerationDatabase(_db.ConnectionString);
        await using var command = database.DataSource.CreateCommand("SHOW plan_cache_mode");

        Assert.Equal("force_custom_plan", await command.ExecuteScalarAsync());
    }

    private static NpgsqlCommand ConflictCheck(NpgsqlConnection connection, long seq) => new(PostgresChatJournal.DifferingSql, connection)
    {
        Parameters =
        {
            new NpgsqlParameter<string[]>("room_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ["room-1"] },
            new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [seq] },
            new NpgsqlParameter<string[]>("user_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ["user"] },
            new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = ["text"] },
        },
    };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // One row per line (EXPLAIN writes a line per plan node): joined, or null when there is no row.
    private static async Task<string?> TextAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }
}
