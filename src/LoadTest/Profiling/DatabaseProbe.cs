using System.Diagnostics;
using Npgsql;
using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Profiling;

/// <summary>
/// PostgreSQL's statistics counters before and after a phase: commits per second (every grain-state write and every
/// journal batch is one), rows inserted and updated per second, and chat rows per second. Chat rows per commit is
/// how well the journal's group commit is grouping. The write-ahead log's volume and its full-page images, and the
/// checkpoints begun, show the server's background work: after a checkpoint begins, the first change to each page
/// logs the whole page, so a phase that overlaps one writes more log per row.
/// </summary>
public sealed class DatabaseProbe(string connectionString) : IAsyncDisposable
{
    // pg_stat_bgwriter holds the checkpoint counts up to PostgreSQL 16 (the stack's is 15; 17 moved them).
    private const string CountersSql = """
        SELECT d.xact_commit, d.tup_inserted, d.tup_updated,
               coalesce((SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'chat_messages'), 0),
               w.wal_bytes::bigint, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req
        FROM pg_stat_database d, pg_stat_wal w, pg_stat_bgwriter b WHERE d.datname = current_database()
        """;

    private readonly NpgsqlDataSource _dataSource = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxPoolSize = 2 } }.Build();

    public async Task<Counters?> TakeAsync(CancellationToken ct)
    {
        try
        {
            // The statistics collector publishes with a delay; a fresh snapshot is asked for explicitly.
            await using var command = _dataSource.CreateCommand("SELECT pg_stat_clear_snapshot(); " + CountersSql);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }
            return new Counters(
                Stopwatch.GetTimestamp(), reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    /// <summary>The server's postmaster process (the parent of our backend), when it runs on this machine.</summary>
    public async Task<int?> PostmasterPidAsync(CancellationToken ct)
    {
        try
        {
            await using var command = _dataSource.CreateCommand("SELECT pg_backend_pid()");
            var backend = (int)(await command.ExecuteScalarAsync(ct))!;
            return CpuSampler.ParentOf(backend);
        }
        catch (NpgsqlException)
        {
            return null;
        }
    }

    public static DatabaseCounters? Between(Counters? before, Counters? after)
    {
        if (before is null || after is null)
        {
            return null;
        }
        var seconds = Math.Max(Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds, 1e-3);
        return new DatabaseCounters(
            Math.Round((after.Commits - before.Commits) / seconds),
            Math.Round((after.Inserted - before.Inserted) / seconds),
            Math.Round((after.Updated - before.Updated) / seconds),
            Math.Round((after.ChatRows - before.ChatRows) / seconds),
            Math.Round((after.WalBytes - before.WalBytes) / seconds / 1024),
            Math.Round((after.FullPageImages - before.FullPageImages) / seconds),
            after.Checkpoints - before.Checkpoints);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public sealed record Counters(
        long Timestamp, long Commits, long Inserted, long Updated, long ChatRows, long WalBytes, long FullPageImages, long Checkpoints);
}
