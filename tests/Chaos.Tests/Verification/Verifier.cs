using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using OrleansSafety.Chaos.Tests.Infrastructure;
using OrleansSafety.Chaos.Tests.Load;

namespace OrleansSafety.Chaos.Tests.Verification;

/// <summary>What the verifier found. <see cref="Lost"/> counts acknowledged items that are gone; every problem fails the test.</summary>
public sealed record Verification(int Lost, IReadOnlyList<string> Problems, IReadOnlyList<string> Warnings, string Summary);

/// <summary>
/// Checks everything the ledger says was acknowledged in the whole run, through the API and directly in PostgreSQL:
/// <list type="bullet">
/// <item>messages: in chat_messages exactly once (no client_message_id twice in a room, no row without one), each acked
/// (room, seq) with the acked text and author, nothing stored that was not acknowledged; and every room's history read
/// back page by page over HTTP equals the table;</item>
/// <item>flags: the reporter can read each one (GET /flags/{id}?reporterId=), each is in exactly one case (its comment
/// is its key; every case of the run is read from the grain-state table), and its intake is audited in that case;</item>
/// <item>decisions: no case acknowledged to two agents; each decided case says it was decided by the acknowledged
/// agent; audit_log has exactly one case_decided per case, by that agent; the decision's effects reached its flags;
/// and no case was ever held by two agents at once (claims, releases, lapses and decisions replayed from audit_log);</item>
/// <item>appeals: each readable at GET /users/{id}/appeals/{appealId}.</item>
/// </list>
/// </summary>
public sealed class Verifier(ChaosCluster cluster)
{
    private const int Parallelism = 16;
    private readonly Retrier _retrier = new(cluster.World.Http, new Ledger());

    private Ledger Ledger => cluster.Ledger;

    private string Admin => cluster.World.AdminToken;

    public async Task<Verification> VerifyAsync(bool drained)
    {
        // Acknowledgements arriving while the tables are read would look lost: nothing may be running.
        Assert.True(LoadDriver.Running == 0, $"{LoadDriver.Running} load driver(s) still running during verification");
        var problems = new ConcurrentQueue<string>();
        var warnings = new ConcurrentQueue<string>();
        var lost = 0;
        lost += await VerifyMessagesAsync(problems);
        var (flagsLost, cases) = await VerifyFlagsAsync(problems, warnings);
        lost += flagsLost;
        if (drained)
        {
            foreach (var stranded in cases.Values.Where(c => c.GetProperty("status").GetString() != "resolved"))
            {
                problems.Enqueue($"case {stranded.GetProperty("caseId").GetString()} ({stranded.GetProperty("status").GetString()}, accused {stranded.GetProperty("accusedUserId").GetString()}, {stranded.GetProperty("reporters").GetArrayLength()} flag(s)) "
                    + "was never offered to an agent: the queue is empty and every claim has lapsed, yet the case is not resolved");
            }
        }
        lost += await VerifyDecisionsAsync(cases, problems);
        lost += await VerifyAppealsAsync(problems);
        foreach (var unexpected in Ledger.Unexpected)
        {
            problems.Enqueue($"unexpected answer during the load: {unexpected}");
        }
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"verified {Ledger.Messages.Count} messages, {Ledger.Flags.Count} flags in {cases.Count} cases, {Ledger.Decisions.Count} decisions "
            + $"({Ledger.Decisions.Count(d => d.Recovered)} confirmed by reading the case after an unclear answer), {Ledger.Appeals.Count} appeals; "
            + $"{Ledger.LostClaims.Count} decisions refused because the short lease had lapsed; {lost} lost, {problems.Count} problem(s)");
        return new Verification(lost, problems.ToList(), warnings.ToList(), summary);
    }

    /// <summary>
    /// The run's agents claim and decide until the queue is empty and nothing is held (claims abandoned or lost in a
    /// fault lapse after the 5 s lease). Afterwards every case must be resolved: one still open was never offered to
    /// an agent (SPEC: every flag reaches a human agent). Answers whether the queue did empty in time.
    /// </summary>
    public async Task<(bool Drained, string Report)> DrainAsync(TimeSpan within)
    {
        Assert.True(LoadDriver.Running == 0, $"{LoadDriver.Running} load driver(s) still running during the drain");
        var started = RunClock.Now;
        var deadline = started + within;
        var random = new Random(17);
        var decided = 0;
        var rounds = 0;
        var emptyClaimsWhileOpen = 0;
        var last = "";
        while (RunClock.Now < deadline)
        {
            rounds++;
            await Task.WhenAll(cluster.World.Agents.Select(async agent =>
            {
                while (RunClock.Now < deadline)
                {
                    var claim = await _retrier.SendAsync("drain-claim", new ApiRequest(HttpMethod.Post, "/api/v1/agent/claims", Bearer: agent.Token));
                    if (claim.Status != 200)
                    {
                        return;
                    }
                    if (await LoadDriver.DecideAsync(cluster.World, agent, claim.Body, random) is not null)
                    {
                        Interlocked.Increment(ref decided);
                    }
                }
            }));
            var queue = await _retrier.SendAsync("drain-queue", new ApiRequest(HttpMethod.Get, "/api/v1/agent/queue", Bearer: Admin));
            var (open, claimed) = queue.Status == 200 ? (queue.Body.GetProperty("open").GetInt32(), queue.Body.GetProperty("claimed").GetInt32()) : (-1, -1);
            last = $"queue: {open} open, {claimed} claimed";
            if (open == 0 && claimed == 0)
            {
                return (true, string.Create(CultureInfo.InvariantCulture, $"drained in {(RunClock.Now - started).TotalSeconds:0.0} s: {decided} decided in {rounds} round(s); {emptyClaimsWhileOpen} round(s) where every claim got 204 while the queue still listed open cases"));
            }
            if (open > 0)
            {
                emptyClaimsWhileOpen++;
            }
            await Task.Delay(1000);
        }
        return (false, string.Create(CultureInfo.InvariantCulture, $"NOT drained in {within.TotalSeconds:0} s ({last}): {decided} decided in {rounds} round(s); {emptyClaimsWhileOpen} round(s) where every claim got 204 while the queue still listed open cases"));
    }

    // ---------------------------------------------------------------- messages

    private async Task<int> VerifyMessagesAsync(ConcurrentQueue<string> problems)
    {
        var rows = new List<(string Room, long Seq, string User, string Text, string? ClientId)>();
        await using (var command = cluster.Db.CreateCommand(
                         "SELECT room_id, seq, user_id, text, client_message_id FROM chat_messages WHERE room_id = ANY(@rooms)"))
        {
            command.Parameters.AddWithValue("rooms", cluster.World.Rooms.ToArray());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
        foreach (var row in rows.Where(r => r.ClientId is null))
        {
            problems.Enqueue($"message {row.Room}#{row.Seq} stored without a client message id (every post carried an Idempotency-Key)");
        }
        foreach (var duplicate in rows.Where(r => r.ClientId is not null).GroupBy(r => (r.Room, r.ClientId)).Where(g => g.Count() > 1))
        {
            problems.Enqueue($"message stored {duplicate.Count()} times in {duplicate.Key.Room}: seqs {string.Join(", ", duplicate.Select(r => r.Seq).Order())} ({duplicate.First().Text})");
        }
        var bySeat = rows.ToDictionary(r => (r.Room, r.Seq));
        var lost = 0;
        foreach (var acked in Ledger.Messages)
        {
            if (!bySeat.TryGetValue((acked.RoomId, acked.Seq), out var row))
            {
                lost++;
                problems.Enqueue($"LOST message {acked.RoomId}#{acked.Seq} ({acked.IdempotencyKey}): acknowledged, not in chat_messages");
            }
            else if (row.Text != acked.Text || row.User != acked.UserId)
            {
                lost++;
                problems.Enqueue($"message {acked.RoomId}#{acked.Seq}: acknowledged as '{acked.Text}' by {acked.UserId}, stored as '{row.Text}' by {row.User}");
            }
        }
        var ackedTexts = Ledger.Messages.Select(m => m.Text).ToHashSet(StringComparer.Ordinal);
        foreach (var row in rows.Where(r => !ackedTexts.Contains(r.Text)))
        {
            problems.Enqueue($"message {row.Room}#{row.Seq} '{row.Text}' stored but never acknowledged");
        }

        // The rooms' own read path (ring buffer + journal) shows the same history as the table.
        var byRoom = rows.ToLookup(r => r.Room);
        await Parallel.ForEachAsync(cluster.World.Rooms, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (room, _) =>
        {
            var seen = new List<(long Seq, string Text)>();
            long? before = null;
            while (true)
            {
                var page = await _retrier.SendAsync("verify-messages", new ApiRequest(HttpMethod.Get,
                    $"/api/v1/rooms/{room}/messages?limit=200{(before is { } b ? $"&before={b}" : "")}"));
                if (page.Status != 200)
                {
                    problems.Enqueue($"GET messages of {room}: {page.Brief}");
                    return;
                }
                var messages = page.Body.GetProperty("messages").EnumerateArray()
                    .Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("text").GetString()!)).ToList();
                if (messages.Count == 0)
                {
                    break;
                }
                seen.AddRange(messages);
                before = messages.Min(m => m.Item1);
            }
            var expected = byRoom[room].Select(r => (r.Seq, r.Text)).OrderBy(r => r.Seq).ToList();
            var actual = seen.OrderBy(r => r.Seq).ToList();
            if (!expected.SequenceEqual(actual))
            {
                var missing = expected.Except(actual).Take(5).ToList();
                var extra = actual.Except(expected).Take(5).ToList();
                problems.Enqueue($"GET messages of {room}: {actual.Count} messages, the table has {expected.Count}; missing {string.Join(", ", missing)}; extra {string.Join(", ", extra)}");
            }
        });
        return lost;
    }

    // ---------------------------------------------------------------- flags and cases

    private async Task<(int Lost, Dictionary<string, JsonElement> Cases)> VerifyFlagsAsync(ConcurrentQueue<string> problems, ConcurrentQueue<string> warnings)
    {
        // Cases first: reading one may reactivate it, and a reactivated case finishes a decision's pending effects.
        var cases = await ReadAllCasesAsync(problems);
        var casesOfKey = KeysOf(cases.Values);
        var lost = 0;
        var statuses = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(Ledger.Flags, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (flag, _) =>
        {
            var read = await _retrier.SendAsync("verify-flag", new ApiRequest(HttpMethod.Get, $"/api/v1/flags/{flag.FlagId}?reporterId={flag.ReporterId}"));
            if (read.Status == 200)
            {
                statuses[flag.FlagId] = read.Text("status");
            }
            else
            {
                Interlocked.Increment(ref lost);
                problems.Enqueue($"LOST flag {flag.FlagId} ({flag.IdempotencyKey}): its reporter gets {read.Brief}");
            }
        });


        var intake = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using (var command = cluster.Db.CreateCommand("SELECT entry_id, case_id FROM audit_log WHERE action = 'flag_received'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                intake[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }
        var ackedKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var flag in Ledger.Flags)
        {
            ackedKeys.Add(flag.IdempotencyKey);
            var inCases = casesOfKey[flag.IdempotencyKey].Order(StringComparer.Ordinal).ToList(); // ordered: the same problem reads the same in every verification
            if (inCases.Count == 0)
            {
                lost++;
                problems.Enqueue($"LOST flag {flag.FlagId} ({flag.IdempotencyKey}, accused {flag.AccusedUserId}): acknowledged, in no case");
                continue;
            }
            if (inCases.Count > 1)
            {
                problems.Enqueue($"flag {flag.FlagId} ({flag.IdempotencyKey}) is in {inCases.Count} cases / entries: {string.Join(", ", inCases)}");
            }
            var caseId = inCases[0];
            if (cases[caseId].GetProperty("accusedUserId").GetString() != flag.AccusedUserId)
            {
                problems.Enqueue($"flag {flag.FlagId} is in case {caseId} about {cases[caseId].GetProperty("accusedUserId").GetString()}, not {flag.AccusedUserId}");
            }
            if (!intake.TryGetValue($"audit_flag_{flag.FlagId}", out var auditedCase))
            {
                warnings.Enqueue($"flag {flag.FlagId} ({flag.IdempotencyKey}) in case {caseId}: no flag_received audit entry");
            }
            else if (auditedCase != caseId)
            {
                problems.Enqueue($"flag {flag.FlagId}: audited in case {auditedCase}, found in case {caseId}");
            }
            // A decided case's effects reach its flags: action_taken or no_violation.
            if (cases[caseId].GetProperty("decision") is { ValueKind: JsonValueKind.Object } decision && statuses.TryGetValue(flag.FlagId, out var status))
            {
                var expected = decision.GetProperty("outcome").GetString() == "violation" ? "action_taken" : "no_violation";
                if (status != expected)
                {
                    problems.Enqueue($"flag {flag.FlagId} in decided case {caseId} ({decision.GetProperty("outcome").GetString()}) has status {status}, not {expected}");
                }
            }
        }
        foreach (var stray in casesOfKey.Where(g => g.Key.StartsWith("f-", StringComparison.Ordinal) && !ackedKeys.Contains(g.Key)))
        {
            problems.Enqueue($"flag {stray.Key} is in case(s) {string.Join(", ", stray.Order(StringComparer.Ordinal))} but was never acknowledged");
        }
        return (lost, new Dictionary<string, JsonElement>(cases, StringComparer.Ordinal));
    }

    /// <summary>Every case of this run (those in the grain-state table and those the audit log names), read over the API.</summary>
    private async Task<ConcurrentDictionary<string, JsonElement>> ReadAllCasesAsync(ConcurrentQueue<string> problems)
    {
        var caseIds = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = cluster.Db.CreateCommand(
                         "SELECT grain_id_extension FROM orleans_storage WHERE service_id = @s AND grain_type = 'case' " +
                         "UNION SELECT case_id FROM audit_log WHERE case_id IS NOT NULL"))
        {
            command.Parameters.AddWithValue("s", cluster.ServiceId);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                caseIds.Add(reader.GetString(0));
            }
        }
        var cases = new ConcurrentDictionary<string, JsonElement>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(caseIds, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (caseId, _) =>
        {
            var read = await _retrier.SendAsync("verify-case", new ApiRequest(HttpMethod.Get, $"/api/v1/cases/{caseId}", Bearer: Admin));
            if (read.Status == 200)
            {
                cases[caseId] = read.Body;
            }
            else
            {
                problems.Enqueue($"case {caseId} (in storage or audit) cannot be read: {read.Brief}");
            }
        });
        return cases;
    }

    /// <summary>Each flag comment (the load's idempotency key) and the cases it is in.</summary>
    public async Task<ILookup<string, string>> FlagKeysInCasesAsync()
    {
        var problems = new ConcurrentQueue<string>();
        var cases = await ReadAllCasesAsync(problems);
        Assert.Empty(problems);
        return KeysOf(cases.Values);
    }

    private static ILookup<string, string> KeysOf(IEnumerable<JsonElement> cases) => cases
        .SelectMany(c => c.GetProperty("reporters").EnumerateArray().Select(r => (Key: r.GetProperty("comment").GetString() ?? "", CaseId: c.GetProperty("caseId").GetString()!)))
        .ToLookup(x => x.Key, x => x.CaseId);

    // ---------------------------------------------------------------- decisions and holds

    private async Task<int> VerifyDecisionsAsync(Dictionary<string, JsonElement> cases, ConcurrentQueue<string> problems)
    {
        var lost = 0;
        foreach (var twice in Ledger.Decisions.GroupBy(d => d.CaseId).Where(g => g.Count() > 1))
        {
            problems.Enqueue($"case {twice.Key} acknowledged as decided {twice.Count()} times: by {string.Join(", ", twice.Select(d => d.AgentId))}");
        }
        var audited = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = cluster.Db.CreateCommand("SELECT case_id, actor_id FROM audit_log WHERE action = 'case_decided'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var caseId = reader.GetString(0);
                if (!audited.TryGetValue(caseId, out var actors))
                {
                    audited[caseId] = actors = [];
                }
                actors.Add(reader.GetString(1));
            }
        }
        foreach (var (caseId, actors) in audited.Where(a => a.Value.Count > 1))
        {
            problems.Enqueue($"case {caseId} has {actors.Count} case_decided audit entries: {string.Join(", ", actors.Order(StringComparer.Ordinal))}");
        }
        foreach (var decision in Ledger.Decisions)
        {
            if (!cases.TryGetValue(decision.CaseId, out var detail))
            {
                lost++;
                problems.Enqueue($"LOST decision: case {decision.CaseId} (decided by {decision.AgentId}) cannot be read");
                continue;
            }
            var view = detail.GetProperty("decision");
            if (detail.GetProperty("status").GetString() != "resolved" || view.ValueKind != JsonValueKind.Object)
            {
                lost++;
                problems.Enqueue($"LOST decision: case {decision.CaseId} acknowledged as decided by {decision.AgentId} ({decision.Outcome}) is {detail.GetProperty("status").GetString()}");
                continue;
            }
            if (view.GetProperty("decidedBy").GetString() != decision.AgentId || view.GetProperty("outcome").GetString() != decision.Outcome)
            {
                // A case is decided once: another agent's decision here means the acknowledged one was lost.
                lost++;
                problems.Enqueue($"LOST decision: case {decision.CaseId} acknowledged to {decision.AgentId} as {decision.Outcome}, the case says {view.GetProperty("decidedBy").GetString()} / {view.GetProperty("outcome").GetString()}");
                continue;
            }
            if (!audited.TryGetValue(decision.CaseId, out var actors) || actors.Count != 1 || actors[0] != decision.AgentId)
            {
                problems.Enqueue($"case {decision.CaseId} decided by {decision.AgentId}: case_decided audit entries {(actors is null ? "none" : string.Join(", ", actors.Order(StringComparer.Ordinal)))}");
            }
        }
        await VerifyNoDoubleHoldAsync(problems);
        return lost;
    }

    /// <summary>Replays every claim, release, lapse and decision of audit_log per case: a claim or decision by another agent while a lease was running is a double hold.</summary>
    private async Task VerifyNoDoubleHoldAsync(ConcurrentQueue<string> problems)
    {
        await using var command = cluster.Db.CreateCommand(
            "SELECT case_id, action, actor_id, agent_id, at FROM audit_log WHERE case_id IS NOT NULL AND action IN ('case_claimed','case_released','lease_lapsed','case_decided') ORDER BY case_id, at, action");
        await using var reader = await command.ExecuteReaderAsync();
        string? currentCase = null;
        string? holder = null;
        var heldSince = DateTime.MinValue;
        var tolerance = TimeSpan.FromMilliseconds(50);
        while (await reader.ReadAsync())
        {
            var caseId = reader.GetString(0);
            var action = reader.GetString(1);
            var agent = reader.IsDBNull(3) ? reader.GetString(2) : reader.GetString(3);
            var at = reader.GetDateTime(4);
            if (caseId != currentCase)
            {
                (currentCase, holder) = (caseId, null);
            }
            var leaseRunning = holder is not null && at < heldSince + ChaosCluster.LeaseDuration - tolerance;
            switch (action)
            {
                case "case_claimed":
                    if (leaseRunning && holder != agent)
                    {
                        problems.Enqueue($"case {caseId} claimed by {agent} at {at:HH:mm:ss.fff} while {holder} held it since {heldSince:HH:mm:ss.fff}");
                    }
                    (holder, heldSince) = (agent, at);
                    break;
                case "case_decided":
                    if (leaseRunning && holder != agent)
                    {
                        problems.Enqueue($"case {caseId} decided by {agent} at {at:HH:mm:ss.fff} while {holder} held it since {heldSince:HH:mm:ss.fff}");
                    }
                    holder = null;
                    break;
                default:
                    if (agent == holder)
                    {
                        holder = null;
                    }
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- appeals

    private async Task<int> VerifyAppealsAsync(ConcurrentQueue<string> problems)
    {
        var lost = 0;
        await Parallel.ForEachAsync(Ledger.Appeals, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (appeal, _) =>
        {
            var read = await _retrier.SendAsync("verify-appeal", new ApiRequest(HttpMethod.Get, $"/api/v1/users/{appeal.UserId}/appeals/{appeal.AppealId}"));
            if (read.Status != 200 || read.Text("sanctionId") != appeal.SanctionId)
            {
                Interlocked.Increment(ref lost);
                problems.Enqueue($"LOST appeal {appeal.AppealId} of {appeal.UserId} ({appeal.SanctionId}): {read.Brief}");
            }
        });
        return lost;
    }

    // ---------------------------------------------------------------- timers

    /// <summary>
    /// Every abandoned claim's lease lapses by itself: audit_log gets a lease_lapsed entry for it and the case is no
    /// longer held by that agent. Waits until <paramref name="within"/> past the latest lease end.
    /// </summary>
    public async Task<IReadOnlyList<string>> VerifyLeasesLapsedAsync(IReadOnlyCollection<AbandonedClaim> claims, TimeSpan within)
    {
        var latest = claims.Select(c => c.LeaseUntil.UtcDateTime).DefaultIfEmpty(DateTime.UtcNow).Max();
        var deadline = latest + within;
        while (true)
        {
            var pending = new List<string>();
            foreach (var claim in claims)
            {
                await using var command = cluster.Db.CreateCommand(
                    "SELECT count(*) FROM audit_log WHERE action = 'lease_lapsed' AND case_id = @c AND agent_id = @a");
                command.Parameters.AddWithValue("c", claim.CaseId);
                command.Parameters.AddWithValue("a", claim.AgentId);
                var lapses = (long)(await command.ExecuteScalarAsync())!;
                var read = await _retrier.SendAsync("verify-lease", new ApiRequest(HttpMethod.Get, $"/api/v1/cases/{claim.CaseId}", Bearer: Admin));
                var claimedBy = read.Status == 200 && read.Body.GetProperty("claimedBy").ValueKind == JsonValueKind.String
                    ? read.Body.GetProperty("claimedBy").GetString()
                    : null;
                if (lapses != 1 || claimedBy == claim.AgentId)
                {
                    pending.Add($"case {claim.CaseId} claimed by {claim.AgentId} until {claim.LeaseUntil:HH:mm:ss.fff}: {lapses} lease_lapsed entries, now claimed by {claimedBy ?? "nobody"} ({read.Outcome})");
                }
            }
            if (pending.Count == 0 || DateTime.UtcNow > deadline)
            {
                return pending;
            }
            await Task.Delay(500);
        }
    }

    /// <summary>Lines for a failure message: the first <paramref name="max"/> of them, and how many more there were.</summary>
    public static string Describe(IEnumerable<string> lines, int max = 30)
    {
        var list = lines.ToList();
        return string.Join("\n  ", list.Take(max)) + (list.Count > max ? $"\n  … and {list.Count - max} more" : "");
    }
}
