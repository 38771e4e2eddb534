using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Scenario;

namespace OrleansSafety.LoadTest.Ceilings;

/// <summary>
/// The storage ceiling: how many chat rows per second this PostgreSQL takes when the rows arrive exactly as the
/// journal writes them — the same columns and primary key, the same unnest INSERT … ON CONFLICT DO NOTHING, one
/// commit per batch, the same number of writers — with nothing else in the way (no HTTP, no grains). Written
/// into a scratch table that is dropped afterwards.
/// </summary>
public sealed class StorageCeilingProbe(string connectionString, string runId, int rooms, int writers = 2)
{
    // The journal's statement (src/Persistence/PostgresChatJournal.cs) with the scratch table's name.
    private static readonly System.Text.CompositeFormat InsertSql = System.Text.CompositeFormat.Parse("""
        INSERT INTO {0} (room_id, seq, user_id, text, sent_at, client_message_id)
        SELECT room_id, seq, user_id, text, sent_at, client_message_id
        FROM unnest(@room_ids, @seqs, @user_ids, @texts, @sent_ats, @client_message_ids)
            AS batch (room_id, seq, user_id, text, sent_at, client_message_id)
        ON CONFLICT (room_id, seq) DO NOTHING
        """);

    public static readonly IReadOnlyList<int> BatchSizes = [1, 10, 100, 500, 2000];

    public async Task<StorageCeiling> MeasureAsync(TimeSpan perBatchSize, TextWriter log, CancellationToken ct)
    {
        var table = "loadtest_ceiling_" + new string(runId.Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant();
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = writers + 1;
        await using var dataSource = builder.Build();
        await Execute(dataSource, $"""
            CREATE TABLE IF NOT EXISTS {table} (
                room_id text NOT NULL, seq bigint NOT NULL, user_id text NOT NULL, text text NOT NULL,
                sent_at timestamptz NOT NULL, client_message_id text NULL,
                PRIMARY KEY (room_id, seq), CHECK (seq > 0))
            """, ct);
        try
        {
            var results = new Dictionary<int, double>();
            long seq = 0;
            // Warm-up (connections, JIT, the table's first pages), not measured.
            var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            while (Stopwatch.GetTimestamp() < warmUntil)
            {
                await InsertAsync(dataSource, table, seq, 100, ct);
                seq += 100;
            }
            foreach (var batch in BatchSizes)
            {
                var rows = 0L;
                var stopAt = Stopwatch.GetTimestamp() + (long)(perBatchSize.TotalSeconds * Stopwatch.Frequency);
                var started = Stopwatch.GetTimestamp();
                await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
                {
                    while (Stopwatch.GetTimestamp() < stopAt && !ct.IsCancellationRequested)
                    {
                        var first = Interlocked.Add(ref seq, batch) - batch;
                        await InsertAsync(dataSource, table, first, batch, ct);
                        Interlocked.Add(ref rows, batch);
                    }
                }));
                var perSecond = rows / Stopwatch.GetElapsedTime(started).TotalSeconds;
                results[batch] = Math.Round(perSecond);
                await log.WriteLineAsync($"[storage-ceiling] batch {batch,5}: {perSecond,10:0} rows/s ({writers} writers)");
            }
            var best = results.MaxBy(r => r.Value);
            return new StorageCeiling(results, writers, best.Value, best.Key);
        }
        finally
        {
            await Execute(dataSource, $"DROP TABLE IF EXISTS {table}", CancellationToken.None);
        }
    }

    private async Task InsertAsync(NpgsqlDataSource dataSource, string table, long first, int count, CancellationToken ct)
    {
        var roomIds = new string[count];
        var seqs = new long[count];
        var userIds = new string[count];
        var texts = new string[count];
        var sentAts = new DateTime[count];
        var clientIds = new string?[count];
        var now = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            // Rows spread over the rooms like chat: each row is the next seq of some room.
            var n = first + i;
            roomIds[i] = $"{runId}-c{n % rooms}";
            seqs[i] = n / rooms + 1;
            userIds[i] = $"{runId}-u{n % 997}";
            texts[i] = TextCorpus.Line((int)(n & int.MaxValue));
            sentAts[i] = now;
        }
        await using var command = dataSource.CreateCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, InsertSql, table));
        command.Parameters.Add(new NpgsqlParameter<string[]>("room_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = roomIds });
        command.Parameters.Add(new NpgsqlParameter<long[]>("seqs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = seqs });
        command.Parameters.Add(new NpgsqlParameter<string[]>("user_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = userIds });
        command.Parameters.Add(new NpgsqlParameter<string[]>("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = texts });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>("sent_ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = sentAts });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("client_message_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = clientIds });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task Execute(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(ct);
    }
}
