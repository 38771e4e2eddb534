using Npgsql;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>
/// The grain storage queries with the parameters AdoNetGrainStorage sends, checking the version protocol the
/// provider relies on: no row or NULL means a conflict, which it raises as InconsistentStateException.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class GrainStorageQueryTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await server.GetClassDatabaseAsync(GetType());

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(0L, 0L, "string-key")] // string-keyed grain
    [InlineData(0L, 42L, null)]        // integer key without extension
    [InlineData(7L, -3L, "ext")]       // Guid key with extension
    public async Task Versions_advance_one_write_at_a_time(long n0, long n1, string? extension)
    {
        var key = new GrainKey($"svc-{Guid.NewGuid():N}", "probe", n0, n1, extension);

        Assert.Null(await ReadAsync(key));
        Assert.Equal(1, await RunAsync("WriteToStorageKey", key, version: null, payload: [1, 2, 3]));
        Assert.Null(await RunAsync("WriteToStorageKey", key, version: null, payload: [9]));   // another activation's first write
        Assert.Equal(2, await RunAsync("WriteToStorageKey", key, version: 1, payload: [4, 5]));
        Assert.Null(await RunAsync("WriteToStorageKey", key, version: 1, payload: [9]));      // stale ETag
        Assert.Equal(((byte[])[4, 5], 2), await ReadAsync(key));

        Assert.Equal(3, await RunAsync("ClearStorageKey", key, version: 2));
        Assert.Equal((null, 3), await ReadAsync(key));                                        // cleared: no payload, version kept
        Assert.Equal(4, await RunAsync("WriteToStorageKey", key, version: 3, payload: [6]));

        Assert.Null(await RunAsync("DeleteStorageKey", key, version: 3));
        Assert.Equal(5, await RunAsync("DeleteStorageKey", key, version: 4));                 // anything but the ETag
        Assert.Null(await ReadAsync(key));
        Assert.Equal(1, await RunAsync("WriteToStorageKey", key, version: null, payload: [7])); // starts over
    }

    [Fact]
    public async Task Keys_differing_in_any_part_are_different_rows()
    {
        var service = $"svc-{Guid.NewGuid():N}";
        GrainKey[] keys =
        [
            new(service, "probe", 0, 0, "a"),
            new(service, "probe", 0, 0, "b"),
            new(service, "other-state", 0, 0, "a"),
            new(service, "probe", 0, 1, "a"),
            new(service, "probe", 1, 0, "a"),
            new(service, "probe", 0, 0, null),
            new(service + "-2", "probe", 0, 0, "a"),
        ];
        foreach (var key in keys)
        {
            Assert.Equal(1, await RunAsync("WriteToStorageKey", key, version: null, payload: [1]));
        }
    }

    private async Task<(byte[]? Payload, int Version)?> ReadAsync(GrainKey key)
    {
        await using var command = await CommandAsync("ReadFromStorageKey", key, version: null, payload: null);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }
        var result = (reader.IsDBNull(0) ? null : (byte[])reader["PayloadBinary"], (int)reader["Version"]);
        Assert.False(await reader.ReadAsync());
        return result;
    }

    private async Task<int?> RunAsync(string queryKey, GrainKey key, int? version, byte[]? payload = null)
    {
        await using var command = await CommandAsync(queryKey, key, version, payload);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? null : Convert.ToInt32(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The stored query with every parameter the provider adds, typed as it types them.</summary>
    private async Task<NpgsqlCommand> CommandAsync(string queryKey, GrainKey key, int? version, byte[]? payload)
    {
        var sql = await _db.ScalarAsync<string>("SELECT querytext FROM orleansquery WHERE querykey = @key", ("key", queryKey));
        var command = _db.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("GrainIdHash", System.Data.DbType.Int32) { Value = 12345 });
        command.Parameters.Add(new NpgsqlParameter("GrainIdN0", System.Data.DbType.Int64) { Value = key.N0 });
        command.Parameters.Add(new NpgsqlParameter("GrainIdN1", System.Data.DbType.Int64) { Value = key.N1 });
        command.Parameters.Add(new NpgsqlParameter("GrainTypeHash", System.Data.DbType.Int32) { Value = 678 });
        command.Parameters.Add(new NpgsqlParameter("GrainTypeString", System.Data.DbType.String) { Value = key.StateName });
        command.Parameters.Add(new NpgsqlParameter("GrainIdExtensionString", System.Data.DbType.String) { Value = (object?)key.Extension ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("ServiceId", System.Data.DbType.String) { Value = key.ServiceId });
        if (queryKey != "ReadFromStorageKey")
        {
            command.Parameters.Add(new NpgsqlParameter("GrainStateVersion", System.Data.DbType.Int32) { Value = (object?)version ?? DBNull.Value });
        }
        if (payload is not null)
        {
            command.Parameters.Add(new NpgsqlParameter("PayloadBinary", System.Data.DbType.Binary) { Value = payload });
        }
        return command;
    }

    private sealed record GrainKey(string ServiceId, string StateName, long N0, long N1, string? Extension);
}
