namespace OrleansSafety.Persistence;

/// <summary>
/// Where a grain's state lives in <c>orleans_storage</c>: the key Orleans' AdoNet provider derives from the state
/// name and the grain id (Guid keys split into two longs, integer keys in n1, string keys as the extension; a missing
/// extension stored as ''). Computed the same way here, so <see cref="PostgresGrainStorage"/> and the AdoNet provider
/// read and write the same rows and a silo can switch between them without losing state. The state name is used as
/// given; the provider would rewrite a generic type name (one with a backtick), which no state name here is.
/// </summary>
public readonly record struct GrainStateRowKey(string StateName, long N0, long N1, string Extension)
{
    public static GrainStateRowKey Of(string stateName, GrainId grainId)
    {
        // The AdoNet provider tries a Guid key first, then an integer key, then takes the key as a string.
        if (grainId.TryGetGuidKey(out var guid, out var guidExtension))
        {
            Span<byte> bytes = stackalloc byte[16];
            guid.TryWriteBytes(bytes);
            return new(stateName, BitConverter.ToInt64(bytes[..8]), BitConverter.ToInt64(bytes[8..]), guidExtension ?? "");
        }
        if (grainId.TryGetIntegerKey(out var integer, out var integerExtension))
        {
            return new(stateName, 0, integer, integerExtension ?? "");
        }
        return new(stateName, 0, 0, grainId.Key.ToString());
    }

    /// <summary>The order batches list rows in (and usually lock them in): state name, n0, n1, extension, ordinally.</summary>
    public static IComparer<GrainStateRowKey> Order { get; } = Comparer<GrainStateRowKey>.Create(static (x, y) =>
    {
        var byName = string.CompareOrdinal(x.StateName, y.StateName);
        if (byName != 0)
        {
            return byName;
        }
        var byN0 = x.N0.CompareTo(y.N0);
        if (byN0 != 0)
        {
            return byN0;
        }
        var byN1 = x.N1.CompareTo(y.N1);
        return byN1 != 0 ? byN1 : string.CompareOrdinal(x.Extension, y.Extension);
    });

    public override string ToString() => $"{StateName}/{N0}/{N1}/{Extension}";
}
