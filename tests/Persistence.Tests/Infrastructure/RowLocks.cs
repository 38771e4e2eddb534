using Npgsql;
using Orleans.Storage;

namespace OrleansSafety.Persistence.Tests.Infrastructure;

/// <summary>
/// Holding a group-committed batch at a row lock, so a test decides what goes out together: a rival transaction
/// locks a grain's state row; the batch that writes it waits until the rival commits, and whatever is queued meanwhile
/// goes out in the next batch.
/// </summary>
internal static class RowLocks
{
    /// <summary>Locks a grain's row in <c>orleans_storage</c> within the connection's transaction.</summary>
    public static async Task LockGrainRowAsync(NpgsqlConnection connection, string serviceId, string stateName, GrainId grain, bool nowait)
    {
        var key = GrainStateRowKey.Of(stateName, grain);
        await using var command = new NpgsqlCommand(
            "SELECT version FROM orleans_storage WHERE service_id = @service AND grain_type = @type AND grain_id_n0 = @n0 " +
            "AND grain_id_n1 = @n1 AND grain_id_extension = @extension FOR UPDATE" + (nowait ? " NOWAIT" : ""), connection);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("type", key.StateName);
        command.Parameters.AddWithValue("n0", key.N0);
        command.Parameters.AddWithValue("n1", key.N1);
        command.Parameters.AddWithValue("extension", key.Extension);
        Assert.NotNull(await command.ExecuteScalarAsync());
    }

    /// <summary>A backend waiting for a lock the given backend holds; 0 if none is.</summary>
    private static Task<int> BlockedByAsync(TestDatabase db, int pid) =>
        db.ScalarAsync<int>("SELECT coalesce(min(pid), 0) FROM pg_stat_activity WHERE @pid = ANY (pg_blocking_pids(pid))", ("pid", pid));

    /// <summary>Waits (up to 5 s) until some backend waits for a lock the given backend holds; answers that backend.</summary>
    public static async Task<int> WaitUntilBlockedByAsync(TestDatabase db, int pid, string what)
    {
        for (var tries = 0; tries < 200; tries++)
        {
            if (await BlockedByAsync(db, pid) is var blocked and not 0)
            {
                return blocked;
            }
            await Task.Delay(25);
        }
        Assert.Fail($"Timed out waiting for {what}.");
        return 0;
    }

    /// <summary>Null if the write was stored, else what it failed with.</summary>
    public static async Task<Exception?> OutcomeAsync(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
