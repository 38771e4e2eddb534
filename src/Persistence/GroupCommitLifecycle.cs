using Microsoft.Extensions.DependencyInjection;

namespace OrleansSafety.Persistence;

/// <summary>
/// Flushes the group-committed stores (chat journal, audit log, queue index, user records and, when it is ours, grain
/// state) and the commit they share (<see cref="SharedGroupCommit"/>, when enabled) when the silo stops, at
/// <see cref="ServiceLifecycleStage.RuntimeStorageServices"/>: stages stop in reverse order, so grains have
/// deactivated (GrainDeactivation, 19998) before this runs, and the pool is still open. What is queued by then is
/// written rather than failed.
/// </summary>
internal sealed class GroupCommitLifecycle(
    PostgresChatJournal journal,
    PostgresAuditLog audit,
    PostgresQueueIndexStore queueIndex,
    PostgresUserRecordStore userRecords,
    IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(GroupCommitLifecycle),
            ServiceLifecycleStage.RuntimeStorageServices,
            _ =>
            {
                // Created at start (when grain-state writes are group-committed, Storage:GrainState:GroupCommit), so
                // a misconfiguration stops the silo instead of failing every grain activation later.
                services.GetService<PostgresGrainStorage>();
                return Task.CompletedTask;
            },
            async _ =>
            {
                var grainState = services.GetService<PostgresGrainStorage>();
                var shared = ModerationStorageExtensions.SharedCommitOf(services);
                await Task.WhenAll(
                    shared?.DisposeAsync().AsTask() ?? Task.CompletedTask,
                    journal.DisposeAsync().AsTask(),
                    audit.DisposeAsync().AsTask(),
                    queueIndex.DisposeAsync().AsTask(),
                    userRecords.DisposeAsync().AsTask(),
                    grainState?.DisposeAsync().AsTask() ?? Task.CompletedTask).ConfigureAwait(false);
            });
}
