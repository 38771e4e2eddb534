using System.Data.Common;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace OrleansSafety.Grains.Storage;

/// <summary>
/// What happens to a grain call that storage failed.
/// <list type="bullet">
/// <item>The activation is discarded. Grains change their state in memory and then write it; after a failed write
/// the memory holds something storage does not, and a retry must not be answered from it (the next call loads the
/// stored state in a fresh activation).</item>
/// <item>The caller gets <see cref="ModerationError.Unavailable"/> (503, retry) instead of a database exception
/// type a client may not even be able to deserialize.</item>
/// </list>
/// </summary>
public sealed partial class StorageFaultFilter(ILogger<StorageFaultFilter> logger) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context)
    {
        // Every grain call passes here. Most reads (queue heads, grants, cached restrictions) finish synchronously,
        // and a call that has already succeeded needs no state machine of its own: only a pending or failed one is
        // awaited.
        var invoked = context.Invoke();
        return invoked.IsCompletedSuccessfully ? invoked : InvokeGuardedAsync(invoked, context);
    }

    private async Task InvokeGuardedAsync(Task invoked, IIncomingGrainCallContext context)
    {
        try
        {
            await invoked;
        }
        catch (Exception error) when (IsStorageFault(error))
        {
            LogDiscarded(logger, context.TargetContext.GrainId.ToString(), context.MethodName, error.GetType().Name);
            context.TargetContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, error, "storage fault"));
            throw error is ModerationException ? error : ModerationException.Unavailable("Storage did not confirm the change; nothing was acknowledged. Retry.");
        }
    }

    /// <summary>Faults of our stores and of Orleans' grain storage, and such a fault reported by a grain we called.</summary>
    public static bool IsStorageFault(Exception error) => error switch
    {
        ModerationException m => m.Error == ModerationError.Unavailable,
        StorageFaultException or DbException or InconsistentStateException or OrleansException { InnerException: DbException } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsStorageFault),
        _ => error.InnerException is { } inner && IsStorageFault(inner),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage fault in {Grain}.{Method} ({Error}): activation discarded")]
    private static partial void LogDiscarded(ILogger logger, string grain, string method, string error);
}
