using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSafety.Durable.Tests.Infrastructure;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 2: 10,000 messages across 500 rooms, sent concurrently through <see cref="IRoomGrain.PostAsync"/>.
/// Every acknowledged message is in <c>chat_messages</c> exactly once, under the seq it was acknowledged with; each
/// room's seqs are 1..n without gaps; and the grains read back what the table holds.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class ConcurrentChatTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rooms = 500;
    private const int PerRoom = 20;

    private DurableCluster _cluster = null!;
    private Scenario _s = null!;

    public async Task InitializeAsync()
    {
        _cluster = await DurableCluster.StartNewAsync(await server.CreateDatabaseAsync(), silos: 2, output);
        _s = new Scenario(() => _cluster.Grains);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _cluster.Database.DisposeAsync();
    }

    private sealed record Ack(string RoomId, string UserId, string Text, string? ClientMessageId, long Seq, DateTimeOffset SentAt);

    [Fact]
    public async Task Ten_thousand_concurrent_messages_in_500_rooms_are_each_journaled_once_in_seq_order()
    {
        var rooms = Enumerable.Range(0, Rooms).Select(_ => Scenario.NewId("room")).ToArray();
        await Task.WhenAll(rooms.Select(room => _s.Room(room).ConfigureAsync(new RoomSettings(Scenario.NewId("owner"), [], null))));

        // Half the rooms get one sender posting in order (so seq order must be send order); the other half get all
        // 20 posts at once (so posts of one room interleave while they wait for their journal batch).
        var acks = new ConcurrentBag<Ack>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(rooms.Select((room, index) => index % 2 == 0 ? SequentialSenderAsync(room, acks) : BurstAsync(room, acks)));
        clock.Stop();
        output.WriteLine($"{acks.Count} posts acknowledged in {clock.ElapsedMilliseconds} ms");
        Assert.Equal(Rooms * PerRoom, acks.Count);

        var rows = await _cluster.Database.ReadJournalAsync(rooms);
        Assert.Equal(Rooms * PerRoom, rows.Count);
        var rowByKey = rows.ToDictionary(r => (r.RoomId, r.Seq));
        foreach (var ack in acks)
        {
            // Exactly once (the primary key is (room, seq) and the counts match), under its acknowledged seq.
            var row = rowByKey[(ack.RoomId, ack.Seq)];
            Assert.Equal((ack.UserId, ack.Text, ack.ClientMessageId, ack.SentAt), (row.UserId, row.Text, row.ClientMessageId, row.SentAt));
        }
        Assert.Equal(rows.Count, rows.Select(r => r.Text).Distinct().Count());

        foreach (var (room, index) in rooms.Select((room, index) => (room, index)))
        {
            var journal = rows.Where(r => r.RoomId == room).ToList();
            Assert.Equal(Enumerable.Range(1, PerRoom).Select(i => (long)i), journal.Select(r => r.Seq));
            if (index % 2 == 0)
            {
                Assert.Equal(Enumerable.Range(1, PerRoom).Select(i => Text(room, i)), journal.Select(r => r.Text));
            }
        }

        // Reading back through the grains gives the journal's rows, first from the live rooms, then from rooms that
        // reactivate from the journal after a restart of the whole cluster.
        await AssertGrainsServeJournalAsync(rooms, rows);
        await _cluster.RestartAsync(silos: 2);
        await AssertGrainsServeJournalAsync(rooms, rows);
        var view = await _s.Room(rooms[0]).GetAsync();
        Assert.Equal(PerRoom, view!.LastSeq);
        Assert.Equal(PerRoom + 1, (await _s.PostAsync(rooms[0], "late-user", "after the restart")).Seq);
    }

    private static string Text(string room, int i) => $"{room} message {i}";

    private async Task SequentialSenderAsync(string room, ConcurrentBag<Ack> acks)
    {
        var user = $"user-{room}";
        for (var i = 1; i <= PerRoom; i++)
        {
            var clientId = i % 2 == 0 ? $"{room}-c{i}" : null;
            var ack = await _s.PostAsync(room, user, Text(room, i), clientId);
            Assert.Equal(i, ack.Seq);
            acks.Add(new Ack(room, user, Text(room, i), clientId, ack.Seq, ack.SentAt));
        }
    }

    private async Task BurstAsync(string room, ConcurrentBag<Ack> acks)
    {
        var posts = Enumerable.Range(1, PerRoom).Select(async i =>
        {
            var user = $"user{i % 3}-{room}";
            var ack = await _s.PostAsync(room, user, Text(room, i));
            acks.Add(new Ack(room, user, Text(room, i), null, ack.Seq, ack.SentAt));
        });
        await Task.WhenAll(posts);
    }

    private async Task AssertGrainsServeJournalAsync(string[] rooms, IReadOnlyList<JournalRow> rows)
    {
        var byRoom = rows.ToLookup(r => r.RoomId);
        await Task.WhenAll(rooms.Select(async room =>
        {
            var messages = await _s.Room(room).GetMessagesAsync(null, 200);
            var expected = byRoom[room].Select(r => new ChatMessage(r.Seq, r.UserId, r.Text, r.SentAt, r.ClientMessageId)).ToList();
            Same.Assert($"messages of {room}", expected, messages.ToList());
        }));
    }
}
