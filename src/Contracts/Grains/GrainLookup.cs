namespace OrleansSafety.Contracts.Grains;

/// <summary>
/// Grain references without Orleans' per-call type resolution. <c>IGrainFactory.GetGrain&lt;T&gt;(key)</c> works out
/// the interface's type id from its attributes and name by reflection on every call (Orleans 10 does not cache it);
/// on the chat path that was about 7 % of the gateway's CPU (dotnet-trace, docs/BENCHMARKS.md). These resolve an
/// interface once, from the first reference Orleans builds, and afterwards build references from the grain id.
/// </summary>
public static class GrainLookup
{
    public static TGrain Get<TGrain>(this IGrainFactory grains, string key) where TGrain : IGrainWithStringKey
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return Resolved<TGrain>.Shape is { } shape
            ? (TGrain)grains.GetGrain(GrainId.Create(shape.Type, key), shape.Interface)
            : Resolved<TGrain>.Learn(grains.GetGrain<TGrain>(key));
    }

    public static TGrain Get<TGrain>(this IGrainFactory grains, long key) where TGrain : IGrainWithIntegerKey =>
        Resolved<TGrain>.Shape is { } shape
            ? (TGrain)grains.GetGrain(GrainId.Create(shape.Type, GrainIdKeyExtensions.CreateIntegerKey(key)), shape.Interface)
            : Resolved<TGrain>.Learn(grains.GetGrain<TGrain>(key));

    private static class Resolved<TGrain> where TGrain : IAddressable
    {
        /// <summary>Written once per process; a race only makes two callers learn the same value.</summary>
        public static GrainShape? Shape { get; private set; }

        public static TGrain Learn(TGrain grain)
        {
            var reference = (GrainReference)(object)grain;
            // A client that has not yet received the cluster's type map gets a provisional "sys." type: not kept.
            if (!reference.GrainId.Type.ToString()!.StartsWith(GrainTypePrefix.SystemPrefix, StringComparison.Ordinal))
            {
                Shape = new GrainShape(reference.GrainId.Type, reference.InterfaceType);
            }
            return grain;
        }
    }

    private sealed record GrainShape(GrainType Type, GrainInterfaceType Interface);
}
