using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class UserRecordStoreTests(PostgresServer server) : IAsyncLifetime, IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(Notice).Assembly))
        .BuildServiceProvider();

    private PostgresUserRecordStore _store = null!;

    public async Task InitializeAsync() => _store = new PostgresUserRecordStore(
        (await server.GetClassDatabaseAsync(GetType())).DataSource, _services.GetRequiredService<Serializer>());

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public void Dispose()
    {
        _store.Dispose(); // already flushed by DisposeAsync; a second dispose does nothing
        _services.Dispose();
    }

    private static Notice Notice(string id, int minute, string summary = "You were removed from room 'lobby'.") =>
        new(id, NoticeKinds.Sanction, Start.AddMinutes(minute), summary, FlagReason.Hate,
            new SanctionView($"sanction-{id}", SanctionKind.Mute, FlagReason.Hate, Start, Start.AddHours(1), null, $"case-{id}"),
            new FlagContent("the accused message", null));

    [Fact]
    public async Task Notices_come_back_whole_last_written_first_up_to_the_limit_and_per_user()
    {
        // A sanction's notice and its appeal's answer can carry the same timestamp: the order written decides.
        await _store.WriteAsync("notices-a", Notice("n-b", 1), outcome: null);
        await _store.WriteAsync("notices-a", Notice("n-c", 2), outcome: null);
        await _store.WriteAsync("notices-a", Notice("n-a", 2), outcome: null);
        await _store.WriteAsync("notices-b", Notice("n9", 9), outcome: null);

        Assert.Equal([Notice("n-a", 2), Notice("n-c", 2), Notice("n-b", 1)], await _store.ReadNoticesAsync("notices-a", 10));
        Assert.Equal(["n-a", "n-c"], (await _store.ReadNoticesAsync("notices-a", 2)).Select(n => n.NoticeId));
        Assert.Equal("n9", Assert.Single(await _store.ReadNoticesAsync("notices-b", 10)).NoticeId);
        Assert.Empty(await _store.ReadNoticesAsync("notices-nobody", 10));
    }

    [Fact]
    public async Task A_notice_written_again_replaces_the_first_in_its_place_instead_of_adding_a_second()
    {
        await _store.WriteAsync("retry-user", Notice("same", 1, "first try"), outcome: null);
        await _store.WriteAsync("retry-user", Notice("later", 2), outcome: null);
        await _store.WriteAsync("retry-user", Notice("same", 3, "retried"), outcome: null);

        Assert.Equal([Notice("later", 2), Notice("same", 3, "retried")], await _store.ReadNoticesAsync("retry-user", 10));
    }

    [Fact]
    public async Task Outcomes_are_kept_per_flag_and_a_correction_replaces_the_earlier_one()
    {
        await _store.WriteAsync("reporter-1", Notice("outcome-f1", 1), new ReportOutcome("f1", Upheld: true));
        await _store.WriteAsync("reporter-1", notice: null, new ReportOutcome("f2", Upheld: true));
        await _store.WriteAsync("reporter-1", notice: null, new ReportOutcome("f1", Upheld: false));
        await _store.WriteAsync("reporter-2", notice: null, new ReportOutcome("f1", Upheld: true));

        var outcomes = await _store.ReadReportOutcomesAsync("reporter-1");
        Assert.Equal(new Dictionary<string, bool> { ["f1"] = false, ["f2"] = true }, outcomes);
        Assert.Equal("outcome-f1", Assert.Single(await _store.ReadNoticesAsync("reporter-1", 10)).NoticeId);
        Assert.Empty(await _store.ReadReportOutcomesAsync("reporter-nobody"));
    }

    [Fact]
    public async Task Writes_from_many_users_at_once_share_commits_and_each_lands()
    {
        const int Users = 300;
        var batchesBefore = _store.BatchesWritten;

        await Task.WhenAll(Enumerable.Range(0, Users).Select(i =>
            _store.WriteAsync($"many-{i}", Notice($"many-notice-{i}", i), new ReportOutcome($"flag-{i}", Upheld: i % 2 == 0))));

        for (var i = 0; i < Users; i++)
        {
            Assert.Equal($"many-notice-{i}", Assert.Single(await _store.ReadNoticesAsync($"many-{i}", 10)).NoticeId);
            Assert.Equal(i % 2 == 0, (await _store.ReadReportOutcomesAsync($"many-{i}"))[$"flag-{i}"]);
        }
        var batches = _store.BatchesWritten - batchesBefore;
        Assert.True(batches < Users, $"{Users} writes took {batches} statements");
    }
}
