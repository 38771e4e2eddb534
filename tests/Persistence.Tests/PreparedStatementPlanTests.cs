using Npgsql;
using NpgsqlTypes;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// Statements are prepared automatically (ModerationDatabase); a prepared statement first used on a fresh database,
/// while its table is nearly empty, must not keep a plan made for that empty table once the table has grown. Nor may
/// a batch statement's plan depend on statistics a fast-growing table does not have yet.
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
    public async Task A_grain_state_batch_finds_its_rows_by_index_in_a_grown_table_not_yet_analyzed()
    {
        await _db.MigrateAsync();
        await using var database = new ModerationDatabase(_db.ConnectionString);
        await using var connection = await database.DataSource.OpenConnectionAsync();

        // A new deployment's first minute: the table has grown to 20,000 rows of one service and autovacuum has not
        // analyzed it yet (kept that way here, so the test does not depend on its timing).
        await ExecuteAsync(connection, "ALTER TABLE orleans_storage SET (autovacuum_enabled = false)");
        await ExecuteAsync(connection, """
            INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, payload, version)
            SELECT 'svc', 'probe', 0, g, '\x01', 1 FROM generate_series(1, 20000) AS g
            """);
        await using var explain = GrainStateBatch(connection, updates: 10, inserts: 2);
        var plan = await TextAsync(explain);

        // Ten updates are ten probes of the primary key, not a scan of the service's 20,000 rows per batch.
        Assert.Contains("Index Scan using orleans_storage_pkey on orleans_storage s", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on orleans_storage", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Bitmap Heap Scan on orleans_storage", plan, StringComparison.Ordinal);
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

    // PostgresGrainStorage's batch statement for rows 1..updates of service "svc" at version 1, and new rows after them.
    private static NpgsqlCommand GrainStateBatch(NpgsqlConnection connection, int updates, int inserts)
    {
        var count = updates + inserts;
        return new NpgsqlCommand("EXPLAIN (COSTS OFF) " + PostgresGrainStorage.WriteSql, connection)
        {
            Parameters =
            {
                new NpgsqlParameter<string>("service_id", "svc"),
                new NpgsqlParameter<int[]>("indexes", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. Enumerable.Range(0, count)] },
                new NpgsqlParameter<string[]>("grain_types", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. Enumerable.Repeat("probe", count)] },
                new NpgsqlParameter<long[]>("n0s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = new long[count] },
                new NpgsqlParameter<long[]>("n1s", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. Enumerable.Range(1, count).Select(n => (long)n + (n > updates ? 100_000 : 0))] },
                new NpgsqlParameter<string[]>("extensions", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. Enumerable.Repeat("", count)] },
                new NpgsqlParameter<int?[]>("versions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. Enumerable.Range(1, count).Select(n => n > updates ? (int?)null : 1)] },
                new NpgsqlParameter<byte[][]>("payloads", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. Enumerable.Repeat(new byte[] { 2 }, count)] },
            },
        };
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // One row per line (EXPLAIN writes a line per plan node): joined, or null when there is no row.
    private static async Task<string?> TextAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await TextAsync(command);
    }

    private static async Task<string?> TextAsync(NpgsqlCommand command)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }
}
