using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using OrleansSafety.Chaos.Tests.Infrastructure;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>
/// The load that runs during every fault, over HTTP like a game backend and a few agents:
/// <list type="bullet">
/// <item>chat workers post to many rooms, each message with its own Idempotency-Key;</item>
/// <item>flag workers file flags (profile flags on a set of accused users, chat flags on acknowledged messages),
/// each with its own Idempotency-Key and comment, from many distinct reporters (2 flags each: far below 30/10 min);</item>
/// <item>agents claim and decide cases (violation with a warning or a 10-hour mute, or no violation);</item>
/// <item>an appeal worker appeals every mute.</item>
/// </list>
/// Every request is retried with the same key until it gets a definite answer; every acknowledgement goes to the ledger.
/// Stopping lets each worker finish the request it is in, so nothing is left half-known.
/// </summary>
public sealed class LoadDriver : IDisposable
{
    private const int ChatWorkers = 12;
    private const int FlagWorkers = 4;
    private static readonly string[] Reasons = ["harassment", "spam", "hate", "scam", "impersonation"];

    private readonly World _world;
    private readonly ChaosSettings _settings;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<AckedMessage> _recent = new();
    private readonly Channel<(string UserId, string SanctionId)> _mutes = Channel.CreateUnbounded<(string, string)>();
    private readonly List<Task> _workers = [];
    private static int _generation;
    private static int _running;
    private readonly int _id = Interlocked.Increment(ref _generation);

    private LoadDriver(World world, ChaosSettings settings)
    {
        _world = world;
        _settings = settings;
    }

    private Ledger Ledger => _world.Ledger;

    private Retrier Retrier => _world.Retrier;

    /// <summary>Load drivers started and not yet stopped: the verifier only runs when this is 0.</summary>
    public static int Running => Volatile.Read(ref _running);

    public static LoadDriver Start(World world, ChaosSettings settings)
    {
        var driver = new LoadDriver(world, settings);
        Interlocked.Increment(ref _running);
        for (var w = 0; w < ChatWorkers; w++)
        {
            driver._workers.Add(driver.ChatWorkerAsync(w));
        }
        for (var w = 0; w < FlagWorkers; w++)
        {
            driver._workers.Add(driver.FlagWorkerAsync(w));
        }
        foreach (var agent in world.Agents)
        {
            driver._workers.Add(driver.AgentWorkerAsync(agent));
        }
        driver._workers.Add(driver.AppealWorkerAsync());
        return driver;
    }

    /// <summary>Stops the load: every worker finishes (with retries) the request it is in, then returns.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        _mutes.Writer.TryComplete();
        try
        {
            await Task.WhenAll(_workers);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose() => _stop.Dispose();

    private async Task ChatWorkerAsync(int worker)
    {
        var random = new Random(HashCode.Combine(_id, worker));
        var pace = new Pace(ChatWorkers / (double)_settings.ChatPerSecond);
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var room = _world.Rooms[random.Next(_world.Rooms.Count)];
            var user = _world.Chatters[random.Next(_world.Chatters.Count)];
            var key = $"m-{_world.RunId}-{_id}-{worker}-{i}";
            var text = $"{key} hello from {user}";
            var result = await Retrier.SendAsync("post", new ApiRequest(HttpMethod.Post, $"/api/v1/rooms/{room}/messages",
                new { userId = user, text }, IdempotencyKey: key), room);
            if (result.Status == 201)
            {
                var acked = new AckedMessage(room, result.Body.GetProperty("seq").GetInt64(), user, text, key);
                Ledger.Messages.Enqueue(acked);
                _recent.Enqueue(acked);
                while (_recent.Count > 500 && _recent.TryDequeue(out _))
                {
                }
            }
            else
            {
                Ledger.Unexpected.Enqueue($"post {key} to {room}: {result}");
            }
            await pace.NextAsync(_stop.Token);
        }
    }

    private async Task FlagWorkerAsync(int worker)
    {
        var random = new Random(HashCode.Combine(_id, worker, 7));
        var pace = new Pace(FlagWorkers / (double)_settings.FlagsPerSecond);
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var key = $"f-{_world.RunId}-{_id}-{worker}-{i}";
            var reporter = $"rep-{_world.RunId}-{_id}-{worker}-{i / 2}";
            object target;
            string accused;
            if (i % 3 == 0 && _recent.ToArray() is { Length: > 0 } recent)
            {
                var message = recent[random.Next(recent.Length)];
                target = new { type = "chat", roomId = message.RoomId, messageSeq = message.Seq };
                accused = message.UserId;
            }
            else
            {
                accused = _world.Accused[random.Next(_world.Accused.Count)];
                target = new { type = "user_profile", id = accused, ownerId = accused, content = new { text = $"profile of {accused}" } };
            }
            var reason = Reasons[random.Next(Reasons.Length)];
            var result = await Retrier.SendAsync("flag", new ApiRequest(HttpMethod.Post, "/api/v1/flags",
                new { reporterId = reporter, target, reason, comment = key }, IdempotencyKey: key));
            if (result.Status == 202)
            {
                Ledger.Flags.Enqueue(new AckedFlag(result.Text("flagId"), reporter, key, accused));
            }
            else
            {
                Ledger.Unexpected.Enqueue($"flag {key}: {result}");
            }
            await pace.NextAsync(_stop.Token);
        }
    }

    private async Task AgentWorkerAsync(Agent agent)
    {
        var random = new Random(HashCode.Combine(_id, agent.Id));
        while (!_stop.IsCancellationRequested)
        {
            var claim = await Retrier.SendAsync("claim", new ApiRequest(HttpMethod.Post, "/api/v1/agent/claims", Bearer: agent.Token));
            if (claim.Status == 204)
            {
                await Pause(TimeSpan.FromMilliseconds(300));
                continue;
            }
            if (claim.Status != 200)
            {
                // 409: holding the maximum (claims whose answers were lost lapse after the short lease).
                if (claim.Status != 409)
                {
                    Ledger.Unexpected.Enqueue($"claim by {agent.Id}: {claim}");
                }
                await Pause(TimeSpan.FromMilliseconds(500));
                continue;
            }
            await DecideAsync(_world, agent, claim.Body, random, mute => _mutes.Writer.TryWrite(mute));
            await Pause(TimeSpan.FromMilliseconds(60));
        }
    }

    /// <summary>Decides a claimed case. A 409 after an unclear try is resolved by reading the case: ours or not.</summary>
    public static async Task<AckedDecision?> DecideAsync(World world, Agent agent, JsonElement claimedCase, Random random,
        Action<(string UserId, string SanctionId)>? onMute = null)
    {
        var ledger = world.Ledger;
        var retrier = world.Retrier;
        var caseId = claimedCase.GetProperty("caseId").GetString()!;
        var accused = claimedCase.GetProperty("accusedUserId").GetString()!;
        var isProfile = claimedCase.GetProperty("target").GetProperty("type").GetString() == "user_profile";
        object decision;
        string outcome;
        var roll = random.Next(3);
        if (accused.StartsWith("mutee-", StringComparison.Ordinal))
        {
            (outcome, decision) = ("violation", new { outcome = "violation", reason = "harassment", sanction = new { kind = "mute", durationMinutes = 1 }, note = "chaos: one-minute mute" });
        }
        else if (roll == 0)
        {
            (outcome, decision) = ("no_violation", new { outcome = "no_violation", note = "chaos" });
        }
        else if (roll == 1 && isProfile)
        {
            (outcome, decision) = ("violation", new { outcome = "violation", reason = "harassment", sanction = new { kind = "mute", durationMinutes = 600 } });
        }
        else
        {
            (outcome, decision) = ("violation", new { outcome = "violation", reason = "spam", sanction = new { kind = "warning" } });
        }
        var result = await retrier.SendAsync("decide", new ApiRequest(HttpMethod.Post, $"/api/v1/cases/{caseId}/decision", decision, Bearer: agent.Token));
        var recovered = false;
        JsonElement view;
        if (result.Status == 200)
        {
            view = result.Body;
        }
        else if (result.Status == 409)
        {
            // Either the lease ran out before the decision arrived (the case went back to the queue), or an earlier
            // try did decide and only its answer was lost: the case says which.
            var read = await retrier.SendAsync("case", new ApiRequest(HttpMethod.Get, $"/api/v1/cases/{caseId}", Bearer: agent.Token));
            if (read.Status == 200 && read.Body.GetProperty("decision") is { ValueKind: JsonValueKind.Object } decided
                && decided.GetProperty("decidedBy").GetString() == agent.Id)
            {
                view = decided;
                recovered = true;
            }
            else
            {
                ledger.LostClaims.Enqueue($"{caseId} by {agent.Id}: {result.Outcome}, then case {read.Outcome}");
                return null;
            }
        }
        else
        {
            ledger.Unexpected.Enqueue($"decision on {caseId} by {agent.Id}: {result}");
            return null;
        }
        var sanctionId = view.GetProperty("sanction") is { ValueKind: JsonValueKind.Object } sanction ? sanction.GetProperty("sanctionId").GetString() : null;
        var acked = new AckedDecision(caseId, agent.Id, outcome, sanctionId, accused, recovered);
        ledger.Decisions.Enqueue(acked);
        if (sanctionId is not null && view.GetProperty("sanction").GetProperty("kind").GetString() == "mute" && accused.StartsWith("acc-", StringComparison.Ordinal))
        {
            onMute?.Invoke((accused, sanctionId));
        }
        return acked;
    }

    private async Task AppealWorkerAsync()
    {
        await foreach (var (userId, sanctionId) in _mutes.Reader.ReadAllAsync())
        {
            var result = await Retrier.SendAsync("appeal", new ApiRequest(HttpMethod.Post, $"/api/v1/users/{userId}/appeals",
                new { sanctionId, text = $"chaos appeal of {sanctionId}" }));
            if (result.Status == 201)
            {
                Ledger.Appeals.Enqueue(new AckedAppeal(userId, result.Text("appealId"), sanctionId, Recovered: false));
            }
            else if (result.Status == 409)
            {
                // Already appealed: an earlier try got through and only its answer was lost. The user's history has it.
                var history = await Retrier.SendAsync("history", new ApiRequest(HttpMethod.Get, $"/api/v1/users/{userId}/history", Bearer: _world.AdminToken));
                var appeal = history.Status == 200
                    ? history.Body.GetProperty("appeals").EnumerateArray().FirstOrDefault(a => a.GetProperty("sanctionId").GetString() == sanctionId)
                    : default;
                if (appeal.ValueKind == JsonValueKind.Object)
                {
                    Ledger.Appeals.Enqueue(new AckedAppeal(userId, appeal.GetProperty("appealId").GetString()!, sanctionId, Recovered: true));
                }
                else
                {
                    Ledger.Unexpected.Enqueue($"appeal of {sanctionId} by {userId}: 409, and the history has no appeal for it ({history.Outcome})");
                }
            }
            else
            {
                Ledger.Unexpected.Enqueue($"appeal of {sanctionId} by {userId}: {result}");
            }
        }
    }

    private async Task Pause(TimeSpan time)
    {
        try
        {
            await Task.Delay(time, _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    /// <summary>Spaces one worker's requests: at most one per interval, without catching up after a stall.</summary>
    private sealed class Pace(double intervalSeconds)
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private double _next;

        public async Task NextAsync(CancellationToken stop)
        {
            _next = Math.Max(_next + intervalSeconds, _watch.Elapsed.TotalSeconds);
            var wait = _next - _watch.Elapsed.TotalSeconds;
            if (wait > 0.001)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(wait), stop);
                }
                catch (OperationCanceledException)
                {
                    // stopping
                }
            }
        }
    }

    public static string Describe(ChaosSettings settings) =>
        string.Create(CultureInfo.InvariantCulture, $"{ChatWorkers} chat workers at {settings.ChatPerSecond} msg/s in total, {FlagWorkers} flag workers at {settings.FlagsPerSecond} flags/s, 3 agents, 1 appeal worker");
}
