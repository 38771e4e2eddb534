using Orleans.Serialization;
using Orleans.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// Orleans' binary serializer for grain state, writing each state into one array of exactly its size. Orleans' own
/// <see cref="OrleansGrainStorageSerializer"/> grows a fresh buffer by doubling for every write and the store then
/// copied it out: the largest allocation of our own in a claim storm's silo (6 % of its bytes in
/// <c>CheckAndResizeBuffer</c>, docs/BENCHMARKS.md). Same bytes on disk: rows written by either read back with either.
/// </summary>
public sealed class ExactSizeGrainStorageSerializer(Serializer serializer) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input) => new(serializer.SerializeToArray(input));

    /// <remarks>
    /// A cleared state is stored as a null payload, which the store reads back without calling this; so a null here
    /// is a damaged row.
    /// </remarks>
    public T Deserialize<T>(BinaryData input) =>
        serializer.Deserialize<T>(input.ToMemory()) ?? throw new InvalidOperationException($"A stored {typeof(T).Name} read back as null.");
}
