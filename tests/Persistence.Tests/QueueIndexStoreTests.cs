using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Queue;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class QueueIndexStoreTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Created = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private PostgresQueueIndexStore _store = null!;

    public async Task InitializeAsync() => _store = new PostgresQueueIndexStore((await server.GetClassDatabaseAsync(GetType())).DataSource);

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public void Dispose() => _store.Dispose(); // already flushed by DisposeAsync; a second dispose does nothing

    private static QueueEntry Entry(string caseId, CaseStatus status = CaseStatus.Open, string? claimedBy = null, DateTimeOffset? lease = null) =>
        new(new CaseSummary(caseId, status, TargetType.Chat, "accused-1", FlagReason.Hate, 2, 61.5, Created, claimedBy, lease), 61.5);

    [Fact]
    public async Task Entries_round_trip_per_partition_and_updates_replace_the_row()
    {
        await _store.UpsertAsync(1, Entry("case-a"));
        await _store.UpsertAsync(1, Entry("case-b"));
        await _store.UpsertAsync(2, Entry("case-c"));
        var claimed = Entry("case-a", CaseStatus.Claimed, "agent-7", Created.AddMinutes(10));
        await _store.UpsertAsync(1, claimed);

        var partition1 = (await _store.LoadAsync(1)).OrderBy(e => e.Summary.CaseId).ToList();
        Assert.Equal(["case-a", "case-b"], partition1.Select(e => e.Summary.CaseId));
        Assert.Equal(claimed, partition1[0]);
        Assert.Equal(Entry("case-b"), partition1[1]);
        Assert.Equal("case-c", Assert.Single(await _store.LoadAsync(2)).Summary.CaseId);
    }

    [Fact]
    public async Task Writes_of_many_cases_at_once_share_commits_and_each_lands()
    {
        const int Cases = 300;
        await Task.WhenAll(Enumerable.Range(0, Cases).Select(i => _store.UpsertAsync(7, Entry($"many-{i}"))));
        var batchesBefore = _store.BatchesWritten;
        // Claims and removals at once: every other case claimed, every third removed.
        await Task.WhenAll(Enumerable.Range(0, Cases).Select(i =>
            i % 3 == 0 ? _store.RemoveAsync(7, $"many-{i}")
            : i % 2 == 0 ? _store.UpsertAsync(7, Entry($"many-{i}", CaseStatus.Claimed, "agent-1", Created.AddMinutes(5)))
            : Task.CompletedTask));

        var rows = (await _store.LoadAsync(7)).ToDictionary(e => e.Summary.CaseId);
        Assert.Equal(Enumerable.Range(0, Cases).Count(i => i % 3 != 0), rows.Count);
        Assert.All(rows.Values, e => Assert.Equal(
            int.Parse(e.Summary.CaseId["many-".Length..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? CaseStatus.Claimed : CaseStatus.Open,
            e.Summary.Status));
        var changes = Enumerable.Range(0, Cases).Count(i => i % 3 == 0 || i % 2 == 0);
        Assert.True(_store.BatchesWritten - batchesBefore < changes, $"{changes} changes took {_store.BatchesWritten - batchesBefore} statements");
    }

    [Fact]
    public async Task Removed_entries_are_gone_and_removing_twice_is_harmless()
    {
        await _store.UpsertAsync(5, Entry("case-x"));
        await _store.RemoveAsync(5, "case-x");
        await _store.RemoveAsync(5, "case-x");
        Assert.Empty(await _store.LoadAsync(5));
    }
}
