using System.Globalization;
using System.Text.Json;
using OrleansSafety.Chaos.Tests.Load;
using OrleansSafety.Chaos.Tests.Verification;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>
/// The frame of every fault test: a healthy cluster, the load running, claims abandoned before the fault (their short
/// leases must lapse by themselves afterwards), the fault, the load kept up after recovery, then the load stopped
/// (every request with its definite answer), the outage measured, and everything acknowledged so far verified.
/// </summary>
public sealed class FaultScenario(ChaosCluster cluster, ITestOutputHelper output) : IAsyncDisposable
{
    private LoadDriver? _load;
    private readonly List<AbandonedClaim> _abandoned = [];
    private MuteProbe? _mute;

    public ChaosSettings Settings => cluster.Settings;

    public async Task StartAsync()
    {
        await cluster.EnsureHealthyAsync();
        Say($"cluster healthy: silos {string.Join(", ", cluster.Silos.Select(s => $"{s.Name}:{s.SiloPort}"))}; load: {LoadDriver.Describe(Settings)}");
        _load = LoadDriver.Start(cluster.World, Settings);
        await Task.Delay(Settings.WarmUp);
        await AbandonClaimsAsync(2);
        if (Settings.CheckMuteExpiry)
        {
            _mute = await MuteProbe.StartAsync(cluster.World, output);
        }
        Say($"warmed up: {cluster.Ledger.Counts()}");
    }

    /// <summary>
    /// An agent claims cases and walks away: with the 5 s lease the claims must lapse by themselves. The load's agents
    /// may have emptied the queue, so the walk-away agent files a flag of its own when there is nothing to claim.
    /// </summary>
    private async Task AbandonClaimsAsync(int count)
    {
        var world = cluster.World;
        var agent = await world.NewAgentAsync("walkaway");
        var deadline = RunClock.Now + TimeSpan.FromSeconds(30);
        for (var i = 0; _abandoned.Count < count && RunClock.Now < deadline; i++)
        {
            var claim = await world.Retrier.SendAsync("claim", new ApiRequest(HttpMethod.Post, "/api/v1/agent/claims", Bearer: agent.Token));
            if (claim.Status == 200)
            {
                var leaseUntil = claim.Body.GetProperty("leaseUntil").GetDateTimeOffset();
                var abandoned = new AbandonedClaim(claim.Text("caseId"), agent.Id, RunClock.Now, leaseUntil);
                _abandoned.Add(abandoned);
                cluster.Ledger.AbandonedClaims.Enqueue(abandoned);
                continue;
            }
            var accused = $"lease-{world.RunId}-{agent.Id}-{i}";
            var key = $"fw-{agent.Id}-{i}";
            var filed = await world.Definite("flag", new ApiRequest(HttpMethod.Post, "/api/v1/flags", new
            {
                reporterId = $"rep-{accused}",
                target = new { type = "user_profile", id = accused, ownerId = accused, content = new { text = "bio" } },
                reason = "self_harm",
                comment = key,
            }, IdempotencyKey: key));
            cluster.Ledger.Flags.Enqueue(new AckedFlag(filed.Text("flagId"), $"rep-{accused}", key, accused));
        }
        Assert.True(_abandoned.Count > 0, "the walk-away agent found no case to claim within 30 s");
        Say($"{agent.Id} claimed and abandoned {string.Join(", ", _abandoned.Select(a => a.CaseId))}");
    }

    /// <summary>
    /// Stops the load, measures [<paramref name="faultAt"/>, stop], verifies everything acknowledged in the run, adds the
    /// row(s) to the table, and fails the test on any loss, duplicate, double decision, or lease that did not lapse.
    /// <paramref name="rows"/> replaces the one default row (one row per kill, say).
    /// </summary>
    public async Task<Verification.Verification> FinishAsync(string fault, string injection, TimeSpan faultAt, string notes,
        Func<TimeSpan, int, IEnumerable<FaultRow>>? rows = null)
    {
        await Task.Delay(Settings.AfterRecovery);
        var stopAt = RunClock.Now;
        await StopLoadAsync();
        var outage = Outage.Measure(cluster.Ledger, faultAt, stopAt);
        Say($"{fault}: {outage}");
        return await VerifyAsync(fault, lost => rows?.Invoke(stopAt, lost) ?? [new FaultRow(fault, injection, outage, lost, notes)]);
    }

    public async Task StopLoadAsync()
    {
        if (_load is null)
        {
            return;
        }
        await _load.StopAsync();
        _load.Dispose();
        _load = null;
        Say($"load stopped: {cluster.Ledger.Counts()}");
    }

    /// <summary>
    /// Verifies the whole run's ledger, records <paramref name="rows"/> (given the number of items lost), and fails on
    /// problems not already reported by an earlier test of the run.
    /// </summary>
    public async Task<Verification.Verification> VerifyAsync(string what, Func<int, IEnumerable<FaultRow>>? rows = null)
    {
        var verifier = new Verifier(cluster);
        var leases = await verifier.VerifyLeasesLapsedAsync(_abandoned, TimeSpan.FromSeconds(15));
        var muteProblem = _mute is null ? null : await _mute.VerifyExpiredAsync();
        var (drained, drainReport) = await verifier.DrainAsync(TimeSpan.FromSeconds(45));
        Say($"agents {drainReport}");
        var verification = await verifier.VerifyAsync(drained);
        Say(verification.Summary);
        if (_abandoned.Count > 0)
        {
            Say(leases.Count == 0
                ? $"the {_abandoned.Count} abandoned claim(s) lapsed by themselves (lease_lapsed audited, no longer held)"
                : $"leases that did not lapse:\n  {Verifier.Describe(leases)}");
        }
        foreach (var warning in verification.Warnings.Take(20))
        {
            Say($"warning: {warning}");
        }
        var failures = verification.Problems.Concat(leases.Select(l => $"lease did not lapse: {l}"))
            .Concat(muteProblem is null ? [] : [muteProblem]).ToList();
        var fresh = failures.Where(f => cluster.ReportedProblems.TryAdd(f, what)).ToList();
        var known = failures.Except(fresh).ToList();
        foreach (var row in rows?.Invoke(verification.Lost) ?? [])
        {
            var noted = row with { Notes = row.Notes + (fresh.Count > 0 ? $" {fresh.Count} problem(s) found by the verifier (see the test output)." : "") };
            cluster.Results.Add(noted);
            Say(Results.Header + "\n" + Results.Row(noted));
        }
        if (known.Count > 0)
        {
            Say($"{known.Count} problem(s) already reported by an earlier test, still there:\n  {Verifier.Describe(known.Select(k => $"[{cluster.ReportedProblems[k]}] {k}"))}");
        }
        if (fresh.Count > 0)
        {
            Say("process logs (tails):\n" + cluster.LogTails());
        }
        Assert.True(fresh.Count == 0, $"{what}: {fresh.Count} problem(s), {verification.Lost} acknowledged item(s) lost:\n  {Verifier.Describe(fresh, 60)}\n(logs in {cluster.LogDir})");
        return verification;
    }

    /// <summary>Stops the load if a test failed before it did.</summary>
    public async ValueTask DisposeAsync() => await StopLoadAsync();

    public void Say(string text)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"[{RunClock.Now.TotalSeconds,7:0.0}s] {text}");
        output.WriteLine(line);
        cluster.Log(text);
    }
}

/// <summary>
/// Long form: a 1-minute mute decided before a fault must end by itself after it. A dedicated user is flagged on their
/// profile; the agents of the load mute every "mutee-" user for exactly one minute (durationMinutes: 1).
/// </summary>
public sealed class MuteProbe
{
    private readonly World _world;
    private readonly string _userId;
    private DateTimeOffset _endsAt;

    private MuteProbe(World world, string userId)
    {
        _world = world;
        _userId = userId;
    }

    public static async Task<MuteProbe> StartAsync(World world, ITestOutputHelper output)
    {
        var probe = new MuteProbe(world, $"mutee-{world.RunId}-{Guid.NewGuid().ToString("N")[..6]}");
        var key = $"fm-{probe._userId}";
        await world.Definite("flag", new ApiRequest(HttpMethod.Post, "/api/v1/flags", new
        {
            reporterId = $"rep-{probe._userId}",
            target = new { type = "user_profile", id = probe._userId, ownerId = probe._userId, content = new { text = "rude bio" } },
            reason = "harassment",
            comment = key,
        }, IdempotencyKey: key));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var standing = await world.Definite("standing", new ApiRequest(HttpMethod.Get, $"/api/v1/users/{probe._userId}/standing"));
            var mute = standing.Body.GetProperty("activeSanctions").EnumerateArray().FirstOrDefault(s => s.GetProperty("kind").GetString() == "mute");
            if (mute.ValueKind == JsonValueKind.Object)
            {
                probe._endsAt = mute.GetProperty("endsAt").GetDateTimeOffset();
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"nobody muted {probe._userId} within 90 s");
            await Task.Delay(500);
        }
        var refused = await probe.PostAsync();
        Assert.Equal(403, refused.Status);
        output.WriteLine($"{probe._userId} muted until {probe._endsAt:HH:mm:ss}; a post is refused ({refused.Body.GetProperty("type").GetString()})");
        return probe;
    }

    /// <summary>After the mute's end (plus 3 s), the user chats again; null when so.</summary>
    public async Task<string?> VerifyExpiredAsync()
    {
        var wait = _endsAt + TimeSpan.FromSeconds(3) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
        var post = await PostAsync();
        return post.Status == 201 ? null : $"{_userId} still cannot chat after the 1-minute mute ended at {_endsAt:HH:mm:ss}: {post}";
    }

    private async Task<ApiResult> PostAsync()
    {
        var key = $"mm-{_userId}-{Guid.NewGuid().ToString("N")[..6]}";
        var room = _world.Rooms[0];
        var text = $"{key} I am back";
        var result = await _world.Retrier.SendAsync("post", new ApiRequest(HttpMethod.Post, $"/api/v1/rooms/{room}/messages", new { userId = _userId, text }, IdempotencyKey: key), room);
        if (result.Status == 201)
        {
            _world.Ledger.Messages.Enqueue(new AckedMessage(room, result.Body.GetProperty("seq").GetInt64(), _userId, text, key));
        }
        return result;
    }
}
