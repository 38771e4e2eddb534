using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

/// <summary>Orleans' own AdoNet reminder table against our stored queries.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ReminderTableTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _serviceId = $"reminders-{Guid.NewGuid():N}";
    private ServiceProvider _services = null!;
    private IReminderTable _table = null!;

    public async Task InitializeAsync()
    {
        var db = await server.GetClassDatabaseAsync(GetType());
        // The provider's table class is internal: take it from the registration a silo uses.
        _services = new ServiceCollection()
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("reminder-tests", _serviceId))
            .UseAdoNetReminderService(o => o.Configure(r => (r.Invariant, r.ConnectionString) = (ModerationDatabase.Invariant, db.ConnectionString)))
            .BuildServiceProvider();
        _table = _services.GetRequiredService<IReminderTable>();
        await _table.StartAsync();
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task Upsert_read_and_versioned_delete()
    {
        var grain = GrainId.Create("probe", "reminder-grain-1");
        var start = new DateTime(2026, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var firstEtag = await _table.UpsertRow(Reminder(grain, "daily", start, TimeSpan.FromDays(1)));
        // Periods past int.MaxValue milliseconds are sent as bigint.
        var secondEtag = await _table.UpsertRow(Reminder(grain, "daily", start.AddHours(1), TimeSpan.FromDays(40)));
        Assert.NotEqual(firstEtag, secondEtag);

        var row = await _table.ReadRow(grain, "daily");
        Assert.NotNull(row);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal(start.AddHours(1), row.StartAt);
        Assert.Equal(TimeSpan.FromDays(40), row.Period);
        Assert.Equal(secondEtag, row.ETag);
        Assert.Null(await _table.ReadRow(grain, "missing"));

        await _table.UpsertRow(Reminder(grain, "hourly", start, TimeSpan.FromHours(1)));
        Assert.Equal(2, (await _table.ReadRows(grain)).Reminders.Count);

        Assert.False(await _table.RemoveRow(grain, "daily", firstEtag!)); // stale etag
        Assert.True(await _table.RemoveRow(grain, "daily", secondEtag!));
        Assert.Equal("hourly", Assert.Single((await _table.ReadRows(grain)).Reminders).ReminderName);
    }

    [Fact]
    public async Task Ring_ranges_cover_every_grain_once_including_the_wrapping_range()
    {
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("probe", $"ring-{i}")).ToList();
        foreach (var grain in grains)
        {
            await _table.UpsertRow(Reminder(grain, "r", DateTime.UtcNow, TimeSpan.FromMinutes(5)));
        }

        // Split the ring at hashes whose signed order differs from their unsigned order, so that one range wraps.
        uint[] cuts = [0x1000_0000, 0x7FFF_FFFF, 0x8000_0001, 0xC000_0000];
        var seen = new List<GrainId>();
        for (var i = 0; i < cuts.Length; i++)
        {
            var rows = await _table.ReadRows(cuts[i], cuts[(i + 1) % cuts.Length]);
            seen.AddRange(rows.Reminders.Select(r => r.GrainId));
        }
        var whole = await _table.ReadRows(0x1234_5678, 0x1234_5678); // begin = end: the whole ring

        Assert.Equal(grains.Order(), seen.Order());
        Assert.Equal(grains.Count, whole.Reminders.Count);
    }

    private static ReminderEntry Reminder(GrainId grain, string name, DateTime start, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = start, Period = period };
}
