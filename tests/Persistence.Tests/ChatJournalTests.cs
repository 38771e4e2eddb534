using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Persistence.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSafety.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ChatJournalTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await server.GetClassDatabaseAsync(GetType());

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Ten_thousand_concurrent_appends_across_500_rooms_are_each_stored_once_in_few_batches()
    {
        const int rooms = 500, perRoom = 20;
        await using var journal = new PostgresChatJournal(_db.DataSource);

        var clock = Stopwatch.StartNew();
        var appends = new List<Task>(rooms * perRoom);
        for (var seq = 1; seq <= perRoom; seq++)
        {
            for (var room = 0; room < rooms; room++)
            {
                appends.Add(journal.AppendAsync(RoomId(room), Message(seq, room)).AsTask());
            }
        }
        await Task.WhenAll(appends);
        clock.Stop();
        output.WriteLine($"{appends.Count} appends in {clock.ElapsedMilliseconds} ms, {journal.BatchesWritten} batches");

        const string mine = "FROM chat_messages WHERE room_id ~ '^room-[0-9]+$'";
        Assert.Equal(rooms * perRoom, await _db.ScalarAsync<long>($"SELECT count(*) {mine}"));
        Assert.Equal(rooms * perRoom, await _db.ScalarAsync<long>($"SELECT count(DISTINCT (room_id, seq)) {mine}"));
        // Every room holds exactly seqs 1..20 with the texts sent.
        Assert.Equal(0L, await _db.ScalarAsync<long>(
            $"SELECT count(*) {mine} AND text <> format('room-%s says %s', substr(room_id, 6), seq)"));
        Assert.Equal((long)rooms, await _db.ScalarAsync<long>(
            $"SELECT count(*) FROM (SELECT room_id {mine} GROUP BY room_id HAVING min(seq) = 1 AND max(seq) = 20 AND count(*) = 20) AS r"));
        // Group commit: far fewer round trips than messages.
        Assert.InRange(journal.BatchesWritten, 1, appends.Count / 10);

        for (var room = 0; room < rooms; room += 97)
        {
            var roomId = RoomId(room);
            Assert.Equal(20L, await journal.GetLastSeqAsync(roomId));
            AssertSeqs(await journal.ReadAsync(roomId, null, 5), 16, 17, 18, 19, 20);
            AssertSeqs(await journal.ReadAsync(roomId, 10, 3), 7, 8, 9);
            AssertSeqs(await journal.ReadAsync(roomId, 3, 50), 1, 2);
            Assert.Empty(await journal.ReadAsync(roomId, 1, 50));
            AssertSeqs(await journal.ReadRangeAsync(roomId, 5, 8), 5, 6, 7, 8);
            AssertSeqs(await journal.ReadRangeAsync(roomId, 19, 30), 19, 20);
            Assert.Empty(await journal.ReadRangeAsync(roomId, 8, 5));
        }
        var read = Assert.Single(await journal.ReadRangeAsync(RoomId(42), 3, 3));
        Assert.Equal(Message(3, 42), read);
    }

    [Fact]
    public async Task A_room_without_messages_reads_empty_and_last_seq_zero()
    {
        await using var journal = new PostgresChatJournal(_db.DataSource);

        Assert.Equal(0L, await journal.GetLastSeqAsync("nobody-here"));
        Assert.Empty(await journal.ReadAsync("nobody-here", null, 50));
        Assert.Empty(await journal.ReadRangeAsync("nobody-here", 1, 100));
    }

    [Fact]
    public async Task A_resent_seq_neither_fails_nor_duplicates_even_within_one_batch()
    {
        await using var journal = new PostgresChatJournal(_db.DataSource);
        var first = Message(1, 7);

        await journal.AppendAsync("dup-room", first);
        await journal.AppendAsync("dup-room", first);                          // a retry after a lost acknowledgement
        // A different message on a taken seq (two activations of one room) is refused, never acknowledged unstored.
        await Assert.ThrowsAsync<ChatJournalException>(async () => await journal.AppendAsync("dup-room", first with { Text = "edited" }));
        // The same seq twice in one batch, next to new messages.
        await Task.WhenAll(
            journal.AppendAsync("dup-room", Message(2, 7)).AsTask(),
            journal.AppendAsync("dup-room", Message(2, 7)).AsTask(),
            journal.AppendAsync("dup-room", Message(3, 7)).AsTask());

        var stored = await journal.ReadRangeAsync("dup-room", 1, 10);
        AssertSeqs(stored, 1, 2, 3);
        Assert.Equal(first.Text, stored[0].Text);
    }

    [Fact]
    public async Task An_unreachable_database_fails_the_append_instead_of_acknowledging_it()
    {
        var deadPort = UnusedPort();
        var connectionString = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { Port = deadPort, Timeout = 2 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var journal = new PostgresChatJournal(dataSource, new ChatJournalOptions { RetryDelay = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<ChatJournalException>(async () => await journal.AppendAsync("room-x", Message(1, 1)));

        Assert.IsAssignableFrom<NpgsqlException>(error.InnerException);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM chat_messages WHERE room_id = 'room-x'"));
    }

    [Fact]
    public async Task A_missing_table_fails_the_whole_batch_and_every_append_in_it()
    {
        await _db.ExecuteAsync("ALTER TABLE chat_messages RENAME TO chat_messages_away");
        try
        {
            await using var journal = new PostgresChatJournal(_db.DataSource);
            var appends = Enumerable.Range(1, 50).Select(seq => journal.AppendAsync("room-y", Message(seq, 1)).AsTask()).ToList();

            foreach (var append in appends)
            {
                await Assert.ThrowsAsync<ChatJournalException>(() => append);
            }
        }
        finally
        {
            await _db.ExecuteAsync("ALTER TABLE chat_messages_away RENAME TO chat_messages");
        }
    }

    [Fact]
    public async Task A_killed_connection_is_retried_transparently()
    {
        await using var journal = new PostgresChatJournal(_db.DataSource);
        await journal.AppendAsync("room-k", Message(1, 1)); // the pool now holds an open connection

        // Kill every session of this database but our own, as a failover or an admin would.
        await _db.ExecuteAsync("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        await journal.AppendAsync("room-k", Message(2, 1));

        Assert.Equal(2L, await journal.GetLastSeqAsync("room-k"));
    }

    [Fact]
    public async Task A_row_postgres_cannot_store_is_refused_alone()
    {
        await using var journal = new PostgresChatJournal(_db.DataSource);

        await Assert.ThrowsAsync<ArgumentException>(async () => await journal.AppendAsync("room-z", Message(1, 1) with { Text = "nul\0byte" }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await journal.AppendAsync("room-z", Message(1, 1) with { Text = "lone \ud800 surrogate" }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await journal.AppendAsync("room-z", Message(0, 1)));
        await journal.AppendAsync("room-z", Message(1, 1));

        Assert.Equal(1L, await journal.GetLastSeqAsync("room-z"));
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_then_refuses_appends()
    {
        var journal = new PostgresChatJournal(_db.DataSource, new ChatJournalOptions { Writers = 1, MaxBatchSize = 100 });
        var appends = Enumerable.Range(1, 1000).Select(seq => journal.AppendAsync("room-d", Message(seq, 3)).AsTask()).ToList();

        await journal.DisposeAsync();

        Assert.All(appends, a => Assert.True(a.IsCompletedSuccessfully));
        Assert.Equal(1000L, await _db.ScalarAsync<long>("SELECT count(*) FROM chat_messages WHERE room_id = 'room-d'"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await journal.AppendAsync("room-d", Message(1001, 3)));
    }

    [Fact]
    public async Task A_lingering_batch_waits_while_messages_keep_coming_and_goes_once_they_stop()
    {
        // Without a linger the first message would go out alone, at once (a batch is what queued meanwhile).
        var options = new ChatJournalOptions { Linger = TimeSpan.FromSeconds(5), LingerStep = TimeSpan.FromMilliseconds(200) };
        await using var journal = new PostgresChatJournal(_db.DataSource, options);
        var clock = Stopwatch.StartNew();

        // A room of its own: another test counts every room-N row of this database.
        var first = journal.AppendAsync("lingering-room", Message(1, 9002)).AsTask();
        await Task.Delay(50); // within the first step: the batch keeps waiting
        await Task.WhenAll(first, journal.AppendAsync("lingering-room", Message(2, 9002)).AsTask());

        Assert.Equal(1, journal.BatchesWritten);
        // Gone after the first quiet step (two steps in all), long before the linger's limit.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(3));
        AssertSeqs(await journal.ReadAsync("lingering-room", null, 5), 1, 2);
    }

    private static string RoomId(int room) => $"room-{room}";

    // Microsecond times: PostgreSQL keeps microseconds, so these round-trip exactly.
    private static ChatMessage Message(long seq, int room) =>
        new(seq, $"user-{seq % 7}", $"room-{room} says {seq}", T0.AddTicks(seq * 10 + room * 1_000_000L));

    private static void AssertSeqs(IEnumerable<ChatMessage> messages, params long[] expected) =>
        Assert.Equal(expected, messages.Select(m => m.Seq).ToArray());

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again on return: nothing listens there
    }
}
