namespace OrleansSafety.Persistence;

/// <summary>
/// Flushes the chat journal when the silo stops, at <see cref="ServiceLifecycleStage.RuntimeStorageServices"/>:
/// stages stop in reverse order, so grains have deactivated (GrainDeactivation, 19998) before this runs, and
/// the pool is still open. Messages queued by then are written rather than failed.
/// </summary>
internal sealed class ChatJournalLifecycle(PostgresChatJournal journal) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(ChatJournalLifecycle),
            ServiceLifecycleStage.RuntimeStorageServices,
            _ => Task.CompletedTask,
            async _ => await journal.DisposeAsync().ConfigureAwait(false));
}
