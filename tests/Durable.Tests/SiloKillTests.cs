using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using OrleansSafety.Durable.Tests.Infrastructure;
using OrleansSafety.Persistence;

namespace OrleansSafety.Durable.Tests;

/// <summary>
/// Issue 4, part 6: two real silo processes (src/Silo, configured by environment variables only) and an external
/// Orleans client sending chat and flags from many tasks; one silo is killed with SIGKILL mid-stream. Callers retry
/// failed calls with the SAME client message id / flag id — the idempotency the system offers — and afterwards every
/// acknowledged message is in the journal exactly once and every acknowledged flag is in exactly one case.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class SiloKillTests(PostgresServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const int Workers = 24;
    private const int Rooms = 16;
    private const int Chatters = 8;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(7);

    private readonly List<ChildProcess> _silos = [];
    private readonly string _logDir = Directory.CreateTempSubdirectory("orleanssafety-silo-kill-").FullName;
    private TestDatabase _db = null!;
    private IHost? _client;

    public async Task InitializeAsync()
    {
        _db = await server.CreateDatabaseAsync();
        await SiloProcess.EnsureBuiltAsync(output);
        output.WriteLine($"silo logs in {_logDir}");
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }
        foreach (var silo in _silos)
        {
            await silo.TerminateAsync(TimeSpan.FromSeconds(10));
            await silo.DisposeAsync();
        }
        await _db.DisposeAsync();
    }

    private sealed record SentMessage(string RoomId, ChatPost Post, long Seq);

    private sealed record SentFlag(string FlagId, string ReporterId, string AccusedUserId);

    private sealed class Traffic
    {
        public ConcurrentBag<SentMessage> Messages { get; } = [];

        public ConcurrentBag<SentFlag> Flags { get; } = [];

        public ConcurrentDictionary<string, int> Retries { get; } = new(StringComparer.Ordinal);
    }

    [Fact]
    public async Task A_silo_killed_with_SIGKILL_mid_stream_loses_no_acknowledged_message_or_flag_and_duplicates_nothing()
    {
        var total = Stopwatch.StartNew();
        await SiloProcess.MigrateAsync(_db.ConnectionString);
        var clusterId = $"kill-{Guid.NewGuid():N}";
        var serviceId = $"kill-svc-{Guid.NewGuid():N}";
        var ports = LoopbackPorts.Free(4);
        var survivor = StartSilo("silo-1", clusterId, serviceId, ports[0], ports[1]);
        await survivor.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var victim = StartSilo("silo-2", clusterId, serviceId, ports[2], ports[3]);
        await victim.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var grains = await ConnectClientAsync(clusterId, serviceId);
        output.WriteLine($"two silo processes and a client up in {total.ElapsedMilliseconds} ms");

        var rooms = Enumerable.Range(0, Rooms).Select(_ => Scenario.NewId("room")).ToArray();
        var chatters = Enumerable.Range(0, Chatters).Select(_ => Scenario.NewId("chatter")).ToArray();
        await Task.WhenAll(rooms.Select(room => grains.GetGrain<IRoomGrain>(room).ConfigureAsync(new RoomSettings(Scenario.NewId("owner"), [], null))));

        var traffic = new Traffic();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, Workers).Select(w => WorkerAsync(w, grains, rooms, chatters, traffic, stop.Token)).ToArray();
        await Task.Delay(BeforeKill);
        var (messagesAtKill, flagsAtKill) = (traffic.Messages.Count, traffic.Flags.Count);
        await victim.KillAsync();
        output.WriteLine($"SIGKILL to silo-2 (pid {victim.Pid}) after {messagesAtKill} messages and {flagsAtKill} flags");
        await Task.Delay(AfterKill);
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        output.WriteLine($"{traffic.Messages.Count} messages and {traffic.Flags.Count} flags acknowledged; retries: "
            + string.Join(", ", traffic.Retries.Select(r => $"{r.Key} × {r.Value}")));
        Assert.True(traffic.Messages.Count > messagesAtKill && traffic.Flags.Count > flagsAtKill, "traffic did not continue after the kill");
        Assert.False(survivor.HasExited, $"silo-1 died too:\n{survivor.Tail()}");

        await AssertEveryMessageJournaledOnceAsync(rooms, traffic);
        await AssertEveryFlagInExactlyOneCaseAsync(grains, serviceId, traffic);

        // The cluster noticed: the killed silo is Dead in the membership table (it never said goodbye).
        await Eventually.TrueAsync(async () => await _db.ScalarAsync<long>(
                "SELECT count(*) FROM orleans_membership WHERE deployment_id = @c AND port = @p AND status = @s",
                ("c", clusterId), ("p", ports[2]), ("s", (int)SiloStatus.Dead)) == 1,
            TimeSpan.FromSeconds(20), "silo-2 declared dead");
        output.WriteLine($"whole test {total.ElapsedMilliseconds} ms");
    }

    private async Task AssertEveryMessageJournaledOnceAsync(string[] rooms, Traffic traffic)
    {
        var rows = await _db.ReadJournalAsync(rooms);
        var byClientId = rows.ToLookup(r => r.ClientMessageId);
        Assert.Empty(byClientId[null]); // every post carried a client message id
        foreach (var sent in traffic.Messages)
        {
            var row = Assert.Single(byClientId[sent.Post.ClientMessageId]);
            Assert.Equal((sent.RoomId, sent.Seq, sent.Post.UserId, sent.Post.Text), (row.RoomId, row.Seq, row.UserId, row.Text));
        }
        // Nothing stored that was not acknowledged (a post whose acknowledgement was lost was retried and deduplicated),
        // and no text twice.
        Assert.Equal(traffic.Messages.Count, rows.Count);
        Assert.Equal(rows.Count, rows.Select(r => r.Text).Distinct().Count());
        var gaps = rows.GroupBy(r => r.RoomId).Sum(g => g.Max(r => r.Seq) - g.Count());
        output.WriteLine($"{rows.Count} journal rows, each acknowledged once; {gaps} unused seq(s) (posts that failed with the silo)");
    }

    private async Task AssertEveryFlagInExactlyOneCaseAsync(IGrainFactory grains, string serviceId, Traffic traffic)
    {
        // Every case that exists, from the grain storage table itself (its rows are keyed by state name and case id),
        // so that a case nobody lists is found too. Each flag's comment is its id, so the case details agents see
        // show which flags every case holds.
        var caseIds = await _db.ColumnAsync<string>(
            "SELECT grain_id_extension FROM orleans_storage WHERE service_id = @s AND grain_type = 'case'", ("s", serviceId));
        var details = await Task.WhenAll(caseIds.Select(c => grains.GetGrain<ICaseGrain>(c).GetDetailAsync()));
        var flagsInCases = details.SelectMany(d => d.Reporters.Select(r => (FlagId: r.Comment!, d.CaseId, d.AccusedUserId))).ToList();
        var byFlag = flagsInCases.ToLookup(f => f.FlagId);
        foreach (var flag in traffic.Flags)
        {
            var inCase = Assert.Single(byFlag[flag.FlagId]);
            Assert.Equal(flag.AccusedUserId, inCase.AccusedUserId);
        }
        Assert.Equal(traffic.Flags.Count, flagsInCases.Count);
        output.WriteLine($"{flagsInCases.Count} flags in {details.Length} cases, each exactly once");

        // Every case reaches an agent (it is in the queue) and is listed in its accused's history, and every flag's
        // intake is in the audit log (the transparency report counts it).
        var queue = (await grains.GetGrain<IWorkQueueGrain>(0).GetOverviewAsync(1000)).Items.Select(i => i.CaseId).ToHashSet();
        var histories = await Task.WhenAll(details.Select(d => d.AccusedUserId).Distinct().Select(u => grains.GetGrain<IUserGrain>(u).GetHistoryAsync()));
        var listed = histories.SelectMany(h => h.Cases.Select(c => c.CaseId)).ToHashSet();
        var audited = (await _db.ColumnAsync<string>("SELECT entry_id FROM audit_log WHERE action = @a", ("a", AuditActions.FlagReceived))).ToHashSet();
        var problems = details
            .Where(d => !queue.Contains(d.CaseId) || !listed.Contains(d.CaseId))
            .Select(d => $"case {d.CaseId} (accused {d.AccusedUserId}, {d.Reporters.Count} flag(s), first {d.Reporters[0].Comment}): "
                + $"in the queue: {queue.Contains(d.CaseId)}, in the accused's history: {listed.Contains(d.CaseId)}")
            .Concat(traffic.Flags.Where(f => !audited.Contains($"audit_flag_{f.FlagId}")).Select(f => $"flag {f.FlagId}: no {AuditActions.FlagReceived} audit entry"))
            .ToList();
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s) after the kill:\n  " + string.Join("\n  ", problems));

        // And every reporter can still read each receipt.
        var desk = grains.GetGrain<IFlagDeskGrain>(0);
        var receipts = await Task.WhenAll(traffic.Flags.Select(f => desk.GetStatusAsync(f.FlagId, f.ReporterId)));
        Assert.All(receipts, r => Assert.Equal(FlagStatus.Received, r.Status));
    }

    private static async Task WorkerAsync(int worker, IGrainFactory grains, string[] rooms, string[] chatters, Traffic traffic, CancellationToken stop)
    {
        var random = new Random(worker);
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var room = rooms[random.Next(rooms.Length)];
            var author = chatters[random.Next(chatters.Length)];
            var clientId = $"w{worker}-{i}";
            var post = new ChatPost(author, $"{clientId} says hello in {room}", clientId);
            var ack = await RetryAsync(() => grains.GetGrain<IRoomGrain>(room).PostAsync(post), traffic);
            Assert.True(ack.Accepted, $"{clientId} refused: {ack.RefusedBecause}");
            traffic.Messages.Add(new SentMessage(room, post, ack.Seq));

            if (i % 4 == 3)
            {
                var reporter = $"reporter-{worker}";
                var flagId = $"flag_w{worker}_{i}";
                var target = i % 8 == 3
                    ? new FlagTarget(TargetType.Chat, RoomId: room, MessageSeq: ack.Seq)
                    : new FlagTarget(TargetType.UserProfile, Id: author, OwnerId: author, Content: new FlagContent("their bio", null));
                var submission = new FlagSubmission(reporter, target, FlagReason.Harassment, Comment: flagId, FlagId: flagId);
                var receipt = await RetryAsync(() => grains.GetGrain<IFlagDeskGrain>(0).FileAsync(submission), traffic);
                Assert.Equal(flagId, receipt.FlagId);
                traffic.Flags.Add(new SentFlag(flagId, reporter, author));
            }
            await Task.Delay(random.Next(2, 8), CancellationToken.None); // a steady stream rather than a flood
        }
    }

    /// <summary>
    /// Retries a failed call with the very same arguments (same client message id / flag id) until it is acknowledged.
    /// A domain refusal is not retried: it would be a bug here.
    /// </summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> call, Traffic traffic)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is not ModerationException && DateTime.UtcNow < deadline)
            {
                traffic.Retries.AddOrUpdate(e.GetType().Name, 1, (_, n) => n + 1);
                await Task.Delay(100);
            }
        }
    }

    private ChildProcess StartSilo(string name, string clusterId, string serviceId, int siloPort, int gatewayPort)
    {
        var silo = SiloProcess.Start(name, new Dictionary<string, string?>
        {
            ["ConnectionStrings__Postgres"] = _db.ConnectionString,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = serviceId,
            ["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__AdvertisedIP"] = "127.0.0.1",
            ["Storage__MaxPoolSize"] = "12",
            ["Storage__MigrateOnStart"] = "false", // migrated once above, as the compose file's one-shot service does
        }, _logDir);
        _silos.Add(silo);
        return silo;
    }

    private async Task<IGrainFactory> ConnectClientAsync(string clusterId, string serviceId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = _db.ConnectionString,
            ["Storage:MaxPoolSize"] = "4",
        });
        builder.UseOrleansClient(client =>
        {
            client.UseModerationClustering(builder.Configuration);
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
            // FACTS: a call to a dead gateway hangs for ResponseTimeout (30 s by default).
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(5));
        });
        _client = builder.Build();
        await _client.StartAsync();
        return _client.Services.GetRequiredService<IClusterClient>();
    }
}
