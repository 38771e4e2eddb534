using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// Grain state in <c>orleans_storage</c>, with group commit: the writes of every grain of the silo queue up and go
/// out together (<see cref="GroupCommitter{T}"/>), one statement and one commit per batch, where Orleans' AdoNet
/// provider spends a transaction on each. A flag, a claim and a decision each write several grains (case, user,
/// flag, target); under load their writes now share commits, and a lone write still goes out at once.
/// </summary>
/// <remarks>
/// Same rows, keys and version protocol as the AdoNet provider (<see cref="GrainStateRowKey"/>), so either can read
/// what the other wrote: an ETag is the row's version; a write with an ETag succeeds only if the row still has that
/// version, a write without one only if there is no row yet; anything else is an
/// <see cref="InconsistentStateException"/> (another activation wrote first). A write completes only once its batch
/// has committed. Batches are not retried (<see cref="GrainStateOptions.MaxAttempts"/> must be 1): a retry after a
/// commit whose answer was lost would see its own versions and report conflicts. Only a batch the server itself rolled
/// back (a deadlock victim, a serialization failure) is tried again. A failed batch therefore fails every
/// write in it, and those grains' callers get a storage fault (503) and retry — where the AdoNet provider would fail
/// only the writes whose own transactions hit the error.
/// </remarks>
public sealed class PostgresGrainStorage : ShareableGroupCommittedStore<PostgresGrainStorage.GrainStateWrite>, IGrainStorage
{
    private const string ReadSql = """
        SELECT payload, version FROM orleans_storage
        WHERE service_id = @service_id AND grain_type = @grain_type AND grain_id_n0 = @n0 AND grain_id_n1 = @n1
          AND grain_id_extension = @extension
        """;

    // Updates where the ETag matches, inserts where there was none and no row exists; answers the index of every
    // write that took effect. One statement text whatever the batch size.
    //
    // The update joins on the whole primary key, the service id included, and the service id reaches the join from
    // the materialized batch, not as a filter on the table. With `s.service_id = @service_id` as a filter, a table that
    // has grown since it was last analyzed (a new deployment's first minute, every benchmark) looks as if the service
    // had a few dozen rows: the planner then hash-joined the batch with every row of the service, a scan of the whole
    // table per batch (185 µs per written row at 18,000 rows, and growing with the table) instead of one index probe
    // per row.
    internal const string WriteSql = """
        WITH batch AS MATERIALIZED (
            SELECT @service_id::varchar AS service_id, b.*
            FROM unnest(@indexes, @grain_types, @n0s, @n1s, @extensions, @versions, @payloads)
                AS b (idx, grain_type, n0, n1, extension, version, payload)),
        updated AS (
            UPDATE orleans_storage s
            SET payload = b.payload, version = s.version + 1, modified_at = now()
            FROM batch b
            WHERE b.version IS NOT NULL AND s.service_id = b.service_id AND s.grain_type = b.grain_type
              AND s.grain_id_n0 = b.n0 AND s.grain_id_n1 = b.n1 AND s.grain_id_extension = b.extension
              AND s.version = b.version
            RETURNING b.idx),
        inserted AS (
            INSERT INTO orleans_storage (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
            SELECT service_id, grain_type, n0, n1, extension, payload, 1 FROM batch WHERE version IS NULL
            ON CONFLICT ON CONSTRAINT orleans_storage_pkey DO NOTHING
            RETURNING grain_type, grain_id_n0, grain_id_n1, grain_id_extension)
        SELECT idx FROM updated
        UNION ALL
        SELECT b.idx FROM inserted i JOIN batch b
            ON b.version IS NULL AND b.grain_type = i.grain_type AND b.n0 = i.grain_id_n0 AND b.n1 = i.grain_id_n1
           AND b.extension = i.grain_id_extension
        """;

    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;

    public PostgresGrainStorage(
        NpgsqlDataSource dataSource,
        string serviceId,
        IGrainStorageSerializer serializer,
        IActivatorProvider activators,
        GrainStateOptions? options = null,
        ILogger<PostgresGrainStorage>? logger = null,
        SharedGroupCommit? shared = null)
        : base(dataSource, "grain state", Checked(options ?? new GrainStateOptions(), serviceId, serializer, activators), logger, shared)
    {
        (_serviceId, _serializer, _activators) = (serviceId, serializer, activators);
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = GrainStateRowKey.Of(stateName, grainId);
        await using var command = DataSource.CreateCommand(ReadSql);
        AddKey(command.Parameters, key);
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            (grainState.State, grainState.ETag, grainState.RecordExists) = (NewState<T>(), null, false);
            return;
        }
        var payload = reader.IsDBNull(0) ? null : reader.GetFieldValue<byte[]>(0);
        grainState.State = payload is null ? NewState<T>() : _serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = reader.GetInt32(1).ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = AsArray(_serializer.Serialize(grainState.State));
        grainState.ETag = await WriteAsync(GrainStateRowKey.Of(stateName, grainId), grainState.ETag, payload).ConfigureAwait(false);
        grainState.RecordExists = true;
    }

    /// <summary>Keeps the row, so its version keeps counting, and drops the payload (as the AdoNet provider does).</summary>
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!grainState.RecordExists)
        {
            await ReadStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
            if (!grainState.RecordExists)
            {
                return;
            }
        }
        grainState.ETag = await WriteAsync(GrainStateRowKey.Of(stateName, grainId), grainState.ETag, payload: null).ConfigureAwait(false);
        (grainState.State, grainState.RecordExists) = (NewState<T>(), false);
    }

    /// <summary>Queues the write; answers the row's new version (the new ETag) once committed.</summary>
    private async Task<string> WriteAsync(GrainStateRowKey key, string? etag, byte[]? payload)
    {
        int? expected = string.IsNullOrWhiteSpace(etag) ? null : int.Parse(etag, CultureInfo.InvariantCulture);
        await EnqueueAsync(new GrainStateWrite(key, expected, payload)).ConfigureAwait(false);
        return ((expected ?? 0) + 1).ToString(CultureInfo.InvariantCulture);
    }

    private protected override Exception BatchFailed(int count, Exception error) =>
        new StorageFaultException($"Grain state: a batch of {count} write(s) could not be stored.", error);

    /// <summary>A batch retried after a commit whose answer was lost would meet its own new versions.</summary>
    private protected override bool MayRepeatWrites => false;

    private protected override PreparedWrites Prepare(IReadOnlyList<GrainStateWrite> batch)
    {
        var refused = new Dictionary<int, Exception>();
        // Two first writes (no ETag) of one row in a batch (overlapping writes of one activation, or two grain
        // classes sharing a state name): the insert would store one and the join back would report both, so all but
        // the first are conflicts here. Writes with an ETag may repeat a row: the update applies at most one of them,
        // the one whose ETag is the row's version, and reports only that one.
        var firstWrites = new HashSet<GrainStateRowKey>();
        var sent = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].ExpectedVersion is not null || firstWrites.Add(batch[i].Key))
            {
                sent.Add(i);
            }
            else
            {
                refused[i] = Conflict(batch[i]);
            }
        }

        // Listed in key order, the rows of small batches are met, and locked, in that order, so two batches (two
        // silos, or Writers > 1) mostly wait for each other instead of deadlocking. The planner does not promise an
        // order, so a batch chosen as a deadlock victim is tried again (GroupCommitter): the server rolled it back.
        sent.Sort((x, y) => GrainStateRowKey.Order.Compare(batch[x].Key, batch[y].Key));

        var command = new NpgsqlBatchCommand(WriteSql);
        var p = command.Parameters;
        p.Add(new NpgsqlParameter<string>("service_id", _serviceId));
        p.Add(Array("indexes", NpgsqlDbType.Integer, sent));
        p.Add(Array("grain_types", NpgsqlDbType.Text, sent.Select(i => batch[i].Key.StateName)));
        p.Add(Array("n0s", NpgsqlDbType.Bigint, sent.Select(i => batch[i].Key.N0)));
        p.Add(Array("n1s", NpgsqlDbType.Bigint, sent.Select(i => batch[i].Key.N1)));
        p.Add(Array("extensions", NpgsqlDbType.Text, sent.Select(i => batch[i].Key.Extension)));
        p.Add(Array("versions", NpgsqlDbType.Integer, sent.Select(i => batch[i].ExpectedVersion)));
        p.Add(Array("payloads", NpgsqlDbType.Bytea, sent.Select(i => batch[i].Payload)));

        return new PreparedWrites([command], async reader =>
        {
            // The statement answers the index of every write that took effect; the others met another version.
            var applied = new HashSet<int>();
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                applied.Add(reader.GetInt32(0));
            }
            foreach (var i in sent.Where(i => !applied.Contains(i)))
            {
                refused[i] = Conflict(batch[i]);
            }
            return refused;
        });
    }

    /// <summary>The serialized bytes as an array, without a copy when they already are one whole array.</summary>
    private static byte[] AsArray(BinaryData data) =>
        MemoryMarshal.TryGetArray(data.ToMemory(), out var segment) && segment is { Array: { } array, Offset: 0 } && segment.Count == array.Length
            ? array
            : data.ToArray();

    /// <summary>Checks the arguments before the base class starts its writers (they would outlive a failed constructor).</summary>
    private static GrainStateOptions Checked(GrainStateOptions options, string serviceId, IGrainStorageSerializer serializer, IActivatorProvider activators)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(activators);
        if (options.MaxAttempts != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxAttempts,
                "Storage:GrainState:MaxAttempts must be 1: a batch retried after a commit whose answer was lost would report its own writes as conflicts.");
        }
        return options;
    }

    private InconsistentStateException Conflict(GrainStateWrite write) =>
        new($"Version conflict writing grain state {write.Key} (service {_serviceId}): expected version " +
            $"{write.ExpectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "none (new row)"}; another activation wrote first.");

    private void AddKey(NpgsqlParameterCollection p, GrainStateRowKey key)
    {
        p.Add(new NpgsqlParameter<string>("service_id", _serviceId));
        p.Add(new NpgsqlParameter<string>("grain_type", key.StateName));
        p.Add(new NpgsqlParameter<long>("n0", key.N0));
        p.Add(new NpgsqlParameter<long>("n1", key.N1));
        p.Add(new NpgsqlParameter<string>("extension", key.Extension));
    }

    private T NewState<T>() => _activators.GetActivator<T>().Create();

    /// <summary>One queued write: the row, the version it expects (null: no row yet) and the payload (null: cleared).</summary>
    public readonly record struct GrainStateWrite(GrainStateRowKey Key, int? ExpectedVersion, byte[]? Payload);
}
