using System.Collections.Concurrent;
using System.Globalization;
using OrleansSafety.Chaos.Tests.Infrastructure;
using OrleansSafety.Chaos.Tests.Load;
using OrleansSafety.Chaos.Tests.Verification;

namespace OrleansSafety.Chaos.Tests;

/// <summary>
/// Abuse of the API while the normal load runs: one reporter flooding flags is held to 30 per 10 minutes while
/// everyone else's flags keep succeeding, and one game backend flooding the gateway is held to its per-key bucket
/// while another backend's requests keep succeeding. Latencies are reported, not asserted (2 shared cores).
/// </summary>
[Collection(ChaosCollection.Name)]
[TestCaseOrderer(AlphabeticalOrderer.TypeName, AlphabeticalOrderer.AssemblyName)]
public sealed class SecurityUnderLoadTests(ChaosCluster cluster, ITestOutputHelper output)
{
    private const int ReporterLimit = 30;

    [Fact]
    public async Task S1_a_flag_flood_from_one_reporter_is_cut_at_30_and_other_reporters_keep_succeeding()
    {
        await using var scenario = new FaultScenario(cluster, output);
        await scenario.StartAsync();
        var world = cluster.World;
        var baselineFrom = RunClock.Now - TimeSpan.FromSeconds(3);
        var floodAt = RunClock.Now;
        var flooder = $"flooder-{world.RunId}";
        var target = world.Accused[0];
        var answers = new ConcurrentBag<(string Key, ApiResult Result)>();
        var sent = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 120), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellation) =>
        {
            var key = $"ff-{world.RunId}-{i}";
            var result = await world.Http.SendAsync(new ApiRequest(HttpMethod.Post, "/api/v1/flags", new
            {
                reporterId = flooder,
                target = new { type = "user_profile", id = target, ownerId = target, content = new { text = "flood" } },
                reason = "spam",
                comment = key,
            }, IdempotencyKey: key), cancellation);
            Interlocked.Increment(ref sent);
            answers.Add((key, result));
        });
        var floodEnd = RunClock.Now;
        await Task.Delay(TimeSpan.FromSeconds(2));
        foreach (var (key, result) in answers.Where(a => a.Result.Status == 202))
        {
            cluster.Ledger.Flags.Enqueue(new AckedFlag(result.Text("flagId"), flooder, key, target));
        }
        var accepted = answers.Count(a => a.Result.Status == 202);
        var limited = answers.Where(a => a.Result.Status == 429).ToList();
        // A 5xx (a timeout under load) was charged to the reporter like an accepted flag; the flood does not retry.
        var unavailable = answers.Where(a => a.Result.Status >= 500).ToList();
        var other = answers.Where(a => a.Result.Status is not (202 or 429) && a.Result.Status < 500).Select(a => $"{a.Key}: {a.Result}").ToList();
        scenario.Say($"flood of {sent} flags from {flooder}: {accepted} accepted, {limited.Count} answered 429 (Retry-After {limited.Select(l => l.Result.RetryAfter?.TotalSeconds).Min():0}–{limited.Select(l => l.Result.RetryAfter?.TotalSeconds).Max():0} s), {unavailable.Count} answered 5xx, {other.Count} other");

        var baseline = Latencies(cluster.Ledger, "flag", baselineFrom, floodAt);
        var during = Latencies(cluster.Ledger, "flag", floodAt, floodEnd + TimeSpan.FromSeconds(2));
        var note = string.Create(CultureInfo.InvariantCulture,
            $"{sent} flags from one reporter in {(floodEnd - floodAt).TotalSeconds:0.0} s: {accepted} accepted, {limited.Count} × 429 with Retry-After; other reporters' flags p50/p99 {baseline} before, {during} during the flood, none refused.");
        cluster.Results.Note("Flag flood: " + note);
        scenario.Say(note);

        Assert.Empty(other);
        Assert.Equal(ReporterLimit, accepted + unavailable.Count);
        Assert.Equal(answers.Count - ReporterLimit, limited.Count);
        Assert.All(limited, l => Assert.True(l.Result.RetryAfter > TimeSpan.Zero, "429 without Retry-After"));
        await scenario.StopLoadAsync();
        await scenario.VerifyAsync("flag flood");

        // Nothing was recorded for the refused flags: the accepted ones are in cases (a 5xx one may be), no 429 one is.
        var keys = await new Verifier(cluster).FlagKeysInCasesAsync();
        var flooderKeys = keys.Where(k => k.Key.StartsWith($"ff-{world.RunId}-", StringComparison.Ordinal)).Select(k => k.Key).ToHashSet();
        Assert.Empty(limited.Where(l => flooderKeys.Contains(l.Key)).Select(l => l.Key));
        Assert.Subset(flooderKeys, answers.Where(a => a.Result.Status == 202).Select(a => a.Key).ToHashSet());
    }

    [Fact]
    public async Task S2_a_request_flood_from_one_api_key_does_not_stop_another_key()
    {
        const int PerSecond = ChaosCluster.PerKeyPerSecond;
        const int Burst = ChaosCluster.PerKeyBurst;
        // No other load here: the flood is the only disturbance, so the polite key's latencies compare.
        await using var scenario = new FaultScenario(cluster, output);
        await cluster.EnsureHealthyAsync();
        await cluster.TwoKeyGatewayReadyAsync();
        var port = cluster.TwoKeyGatewayPort;
        const string FloodKey = ChaosCluster.FloodKey;
        using var http = new Http(new Uri($"http://127.0.0.1:{port}"), ChaosCluster.ApiKey, TimeSpan.FromSeconds(10));
        var ledger = new Ledger();
        var world = cluster.World;

        // Baseline: the well-behaved key at 20 requests/s, well under its 50/s.
        var baselineAt = RunClock.Now;
        await PoliteAsync(http, ledger, world, "base", TimeSpan.FromSeconds(5));
        var baselineEnd = RunClock.Now;

        // Flood from the other key while the well-behaved one carries on.
        using var stopFlood = new CancellationTokenSource();
        var floodAnswers = new ConcurrentDictionary<int, int>();
        var floodAt = RunClock.Now;
        var flooders = Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stopFlood.IsCancellationRequested; i++)
            {
                var room = world.Rooms[(w + i) % world.Rooms.Count];
                var key = $"fl-{world.RunId}-{w}-{i}";
                var text = $"{key} flood";
                var result = await http.SendAsync(new ApiRequest(HttpMethod.Post, $"/api/v1/rooms/{room}/messages",
                    new { userId = $"flooder-{world.RunId}", text }, IdempotencyKey: key, ApiKey: FloodKey));
                floodAnswers.AddOrUpdate(result.Status, 1, (_, n) => n + 1);
                if (result.Status == 201)
                {
                    cluster.Ledger.Messages.Enqueue(new AckedMessage(room, result.Body.GetProperty("seq").GetInt64(), $"flooder-{world.RunId}", text, key));
                }
            }
        })).ToList();
        await PoliteAsync(http, ledger, world, "flood", TimeSpan.FromSeconds(8));
        await stopFlood.CancelAsync();
        await Task.WhenAll(flooders);
        var floodSeconds = (RunClock.Now - floodAt).TotalSeconds;

        var baseline = Latencies(ledger, "polite", baselineAt, baselineEnd);
        var during = Latencies(ledger, "polite", floodAt, RunClock.Now);
        var politeFailures = ledger.Requests.Where(r => r.Attempts.Count > 1 || r.FinalOutcome is not ("200" or "201")).Select(r => $"{r.Operation}: {string.Join(" → ", r.Attempts.Select(a => a.Outcome))}").ToList();
        var floodTotal = floodAnswers.Values.Sum();
        var floodAccepted = floodAnswers.GetValueOrDefault(201);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"key limit {PerSecond}/s, burst {Burst}: the flooding key sent {floodTotal} requests in {floodSeconds:0.0} s ({floodTotal / floodSeconds:0}/s): {floodAccepted} accepted, {floodAnswers.GetValueOrDefault(429)} × 429 ({string.Join(", ", floodAnswers.Select(a => $"{a.Key} × {a.Value}"))}); "
            + $"the other key at 20 req/s: p50/p99 {baseline} before, {during} during the flood, {politeFailures.Count} refused or retried.");
        cluster.Results.Note("Per-key flood: " + note);
        scenario.Say(note);

        Assert.Empty(politeFailures);
        Assert.True(floodAnswers.GetValueOrDefault(429) > 0, "the flooding key was never limited");
        Assert.True(floodAccepted <= Burst + (PerSecond * (floodSeconds + 1)), $"the flooding key got {floodAccepted} requests through in {floodSeconds:0.0} s");
        await scenario.VerifyAsync("per-key flood");
    }

    /// <summary>The well-behaved backend: 20 requests/s, alternating a chat post (acknowledged into the run's ledger) and a standing read.</summary>
    private async Task PoliteAsync(Http http, Ledger ledger, World world, string phase, TimeSpan time)
    {
        var retrier = new Retrier(http, ledger);
        var end = RunClock.Now + time;
        for (var i = 0; RunClock.Now < end; i++)
        {
            var next = RunClock.Now + TimeSpan.FromMilliseconds(50);
            if (i % 2 == 0)
            {
                var room = world.Rooms[i % world.Rooms.Count];
                var user = world.Chatters[i % world.Chatters.Count];
                var key = $"p-{world.RunId}-{phase}-{i}";
                var text = $"{key} polite";
                var result = await retrier.SendAsync("polite", new ApiRequest(HttpMethod.Post, $"/api/v1/rooms/{room}/messages", new { userId = user, text }, IdempotencyKey: key), room);
                if (result.Status == 201)
                {
                    cluster.Ledger.Messages.Enqueue(new AckedMessage(room, result.Body.GetProperty("seq").GetInt64(), user, text, key));
                }
            }
            else
            {
                await retrier.SendAsync("polite", new ApiRequest(HttpMethod.Get, $"/api/v1/users/{world.Chatters[i % world.Chatters.Count]}/standing"));
            }
            var wait = next - RunClock.Now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }
    }

    private static string Latencies(Ledger ledger, string operation, TimeSpan from, TimeSpan to)
    {
        var durations = ledger.Requests.Where(r => r.Operation == operation && r.Start >= from && r.Start <= to)
            .Select(r => (r.End - r.Start).TotalMilliseconds).Order().ToList();
        if (durations.Count == 0)
        {
            return "n/a";
        }
        double Percentile(double p) => durations[Math.Min(durations.Count - 1, (int)Math.Ceiling(p * durations.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{Percentile(0.5):0} / {Percentile(0.99):0} ms (n={durations.Count})");
    }
}
