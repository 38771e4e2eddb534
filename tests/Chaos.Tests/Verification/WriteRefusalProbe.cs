using System.Globalization;
using System.Text.Json;
using OrleansSafety.Chaos.Tests.Infrastructure;
using OrleansSafety.Chaos.Tests.Load;

namespace OrleansSafety.Chaos.Tests.Verification;

/// <summary>
/// Deterministic companions of the random database faults, run with no other load: one request at a time, while the
/// writes of exactly one kind of grain state are refused for 3 s, a client retries as the contract says (the same
/// request; a 409 after an unclear answer resolved by reading the case or the user's history). Whatever it is told
/// was done goes to the ledger like any acknowledgement, and the verifier checks it after every silo has restarted.
/// A correct product answers 5xx until the write can be made and acknowledges only then; a product that acknowledges
/// from memory what it could not write loses the item when the grain is reloaded.
/// </summary>
public sealed class WriteRefusalProbe(ChaosCluster cluster, Action<string> say)
{
    private static readonly TimeSpan RefusedFor = TimeSpan.FromSeconds(3);
    private readonly World _world = cluster.World;
    private readonly string _tag = Guid.NewGuid().ToString("N")[..6];
    private readonly Random _random = new(5);

    /// <summary>Runs the three probes; answers one line per probe.</summary>
    public async Task<IReadOnlyList<string>> RunAsync()
    {
        var lines = new List<string>();
        var agent = await _world.NewAgentAsync("probe");

        // 1. A flag while flag receipts ('flag' state) cannot be written.
        // Lowest severity: the claims of the probes below must not pick this case (deciding it would rewrite the
        // flag's state and so hide a receipt that was never stored).
        var (key, flag, accused) = FlagRequest("receipt", "other");
        var (filed, flagWhileRefused) = await SendWhileRefusedAsync("flag", flag);
        if (filed.Status == 202)
        {
            Record(filed, key, accused);
        }
        lines.Add(Line("flag", flagWhileRefused, filed.Status == 202, $"flag {(filed.Status == 202 ? filed.Text("flagId") : filed.Outcome)}"));

        // 2. A decision while case state cannot be written (the case was flagged and claimed before).
        var claimed = await ClaimFreshCaseAsync(agent, "decision");
        var caseId = claimed.GetProperty("caseId").GetString()!;
        var (decision, decisionWhileRefused) = await SendWhileRefusedAsync("case", new ApiRequest(HttpMethod.Post, $"/api/v1/cases/{caseId}/decision",
            new { outcome = "no_violation", note = "probe" }, Bearer: agent.Token));
        var decided = await DecidedByAsync(agent, caseId, decision);
        if (decided)
        {
            _world.Ledger.Decisions.Enqueue(new AckedDecision(caseId, agent.Id, "no_violation", null, claimed.GetProperty("accusedUserId").GetString()!, decision.Status != 200));
        }
        lines.Add(Line("case", decisionWhileRefused, decided, $"decision on {caseId} ({decision.Outcome}{(decision.Status == 409 ? ", then the case said it was ours" : "")})"));

        // 3. An appeal while user state cannot be written (the mute it appeals was decided before).
        var muted = await ClaimFreshCaseAsync(agent, "appeal");
        var mutedCase = muted.GetProperty("caseId").GetString()!;
        var userId = muted.GetProperty("accusedUserId").GetString()!;
        var mute = await _world.Definite("decide", new ApiRequest(HttpMethod.Post, $"/api/v1/cases/{mutedCase}/decision",
            new { outcome = "violation", reason = "harassment", sanction = new { kind = "mute", durationMinutes = 600 } }, Bearer: agent.Token));
        var sanctionId = mute.Body.GetProperty("sanction").GetProperty("sanctionId").GetString()!;
        _world.Ledger.Decisions.Enqueue(new AckedDecision(mutedCase, agent.Id, "violation", sanctionId, userId, false));
        var (appeal, appealWhileRefused) = await SendWhileRefusedAsync("user", new ApiRequest(HttpMethod.Post, $"/api/v1/users/{userId}/appeals",
            new { sanctionId, text = "probe appeal" }));
        var appealId = appeal.Status == 201 ? appeal.Text("appealId") : appeal.Status == 409 ? await AppealInHistoryAsync(userId, sanctionId) : null;
        if (appealId is not null)
        {
            _world.Ledger.Appeals.Enqueue(new AckedAppeal(userId, appealId, sanctionId, appeal.Status == 409));
        }
        lines.Add(Line("user", appealWhileRefused, appealId is not null, $"appeal {appealId ?? appeal.Outcome}{(appeal.Status == 409 ? " (409, then found in the user's history)" : "")}"));

        foreach (var line in lines)
        {
            say(line);
        }
        return lines;
    }

    private static string Line(string state, bool whileRefused, bool acknowledged, string what) =>
        !acknowledged ? $"probe ('{state}' writes refused): not acknowledged: {what}"
        : whileRefused ? $"probe ('{state}' writes refused): ACKNOWLEDGED WHILE THE WRITE WAS REFUSED: {what}"
        : $"probe ('{state}' writes refused): 5xx while refused, acknowledged after: {what}";

    /// <summary>
    /// Refuses one state's writes for 3 s and sends the request again and again (100 ms apart) until a definite answer or
    /// the end of the refusal; if there was none, lifts the refusal and goes on like any client. Answers the definite
    /// answer and whether it came while writes were refused.
    /// </summary>
    private async Task<(ApiResult Result, bool WhileRefused)> SendWhileRefusedAsync(string stateName, ApiRequest request)
    {
        ApiResult? result = null;
        await cluster.RefuseGrainStateWritesAsync(true, stateName);
        try
        {
            var deadline = RunClock.Now + RefusedFor;
            while (RunClock.Now < deadline)
            {
                var attempt = await _world.Http.SendAsync(request);
                if (!attempt.IsRetryable)
                {
                    result = attempt;
                    break;
                }
                await Task.Delay(100);
            }
        }
        finally
        {
            await cluster.RefuseGrainStateWritesAsync(false);
        }
        return result is not null ? (result, true) : (await _world.Retrier.SendAsync("probe", request), false);
    }

    private (string Key, ApiRequest Request, string Accused) FlagRequest(string what, string reason = "self_harm")
    {
        var accused = $"probe-{_world.RunId}-{_tag}-{what}";
        var key = $"fp-{_world.RunId}-{_tag}-{what}";
        return (key, new ApiRequest(HttpMethod.Post, "/api/v1/flags", new
        {
            reporterId = $"rep-{accused}",
            target = new { type = "user_profile", id = accused, ownerId = accused, content = new { text = "probe" } },
            reason,
            comment = key,
        }, IdempotencyKey: key), accused);
    }

    private void Record(ApiResult result, string key, string accused) =>
        _world.Ledger.Flags.Enqueue(new AckedFlag(result.Text("flagId"), $"rep-{accused}", key, accused));

    /// <summary>Files a flag on a new user (the highest severity, so it is the best case) and claims that case.</summary>
    private async Task<JsonElement> ClaimFreshCaseAsync(Agent agent, string what)
    {
        var (key, request, accused) = FlagRequest(what);
        Record(await _world.Definite("flag", request), key, accused);
        var seen = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var claim = await _world.Retrier.SendAsync("claim", new ApiRequest(HttpMethod.Post, "/api/v1/agent/claims", Bearer: agent.Token));
            if (claim.Status == 200 && claim.Body.GetProperty("accusedUserId").GetString() == accused)
            {
                return claim.Body;
            }
            if (claim.Status == 200)
            {
                // Another case ranks first (an older one of the same severity): decide it like any agent would.
                await LoadDriver.DecideAsync(_world, agent, claim.Body, _random);
                continue;
            }
            seen.Add(claim.Outcome);
            await Task.Delay(200);
        }
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the probe agent could not claim the case about {accused}: {string.Join(", ", seen)}"));
    }

    private async Task<bool> DecidedByAsync(Agent agent, string caseId, ApiResult result)
    {
        if (result.Status == 200)
        {
            return true;
        }
        if (result.Status != 409)
        {
            return false;
        }
        var read = await _world.Retrier.SendAsync("case", new ApiRequest(HttpMethod.Get, $"/api/v1/cases/{caseId}", Bearer: agent.Token));
        return read.Status == 200 && read.Body.GetProperty("decision") is { ValueKind: JsonValueKind.Object } decision
            && decision.GetProperty("decidedBy").GetString() == agent.Id;
    }

    private async Task<string?> AppealInHistoryAsync(string userId, string sanctionId)
    {
        var history = await _world.Retrier.SendAsync("history", new ApiRequest(HttpMethod.Get, $"/api/v1/users/{userId}/history", Bearer: _world.AdminToken));
        return history.Status != 200
            ? null
            : history.Body.GetProperty("appeals").EnumerateArray().Where(a => a.GetProperty("sanctionId").GetString() == sanctionId)
                .Select(a => a.GetProperty("appealId").GetString()).FirstOrDefault();
    }
}
