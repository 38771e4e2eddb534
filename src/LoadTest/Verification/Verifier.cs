using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansSafety.LoadTest.Scenario;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Verification;

/// <summary>
/// After the load: reads back, through the same API, everything the system acknowledged.
/// <list type="bullet">
/// <item>Messages: every room is paged backwards (200 a page) until its oldest acknowledged seq; each acknowledged
/// message must be there with its seq, author and text.</item>
/// <item>Flags: the reporter must see each flag; the audit of each accused user has one <c>flag_received</c> entry
/// per flag (entry id <c>audit_flag_{flagId}</c>) naming its case; each such case must be about that user and count
/// exactly the flags mapped to it (more would mean a flag counted in two cases).</item>
/// <item>Decisions: each claimed case's audit has at most one <c>case_decided</c> and one claiming agent (the tool's
/// agents never release, and leases outlast the run), and the case names the agent the tool saw decide.</item>
/// </list>
/// </summary>
/// <param name="retainedPerRoom">Newest messages per room the target keeps, if not all (see LoadOptions).</param>
public sealed class Verifier(IModerationTarget target, IAgentSession reader, Ledger ledger, int? retainedPerRoom = null, int concurrency = 16)
{
    private const int PageSize = 200;
    private const int AuditLimit = 500;
    private const int MaxProblems = 30;

    private readonly ConcurrentQueue<string> _problems = new();

    /// <param name="flagErrorsSeen">Whether some flag failed without an answer (it may have joined a case anyway).</param>
    public async Task<VerificationResult> VerifyAsync(bool flagErrorsSeen, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var messages = await VerifyMessagesAsync(ct);
        var flags = await VerifyFlagsAsync(flagErrorsSeen, ct);
        var decisions = await VerifyDecisionsAsync(ct);
        return new VerificationResult
        {
            MessagesChecked = messages.Checked,
            MessagesMissing = messages.Missing,
            MessagesChanged = messages.Changed,
            MessagesBeyondRetention = messages.BeyondRetention,
            FlagsChecked = flags.Checked,
            FlagsUnknownToReporter = flags.Unknown,
            FlagsWithoutCase = flags.WithoutCase,
            FlagsInSeveralCases = flags.InSeveral,
            CasesChecked = decisions.Cases + flags.Cases,
            CasesDecidedTwice = decisions.DecidedTwice,
            DoubleClaims = decisions.DoubleClaims + ledger.DoubleClaims.Count,
            Unverifiable = flags.Unverifiable,
            Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
            Problems = [.. ledger.DoubleClaims.Select(d => $"double claim seen by agents: {d}"), .. _problems],
        };
    }

    private async Task<(long Checked, long Missing, long Changed, long BeyondRetention)> VerifyMessagesAsync(CancellationToken ct)
    {
        long checkedCount = 0, missing = 0, changed = 0, beyondRetention = 0;
        await Parallel.ForEachAsync(ledger.MessagesByRoom, Limits(ct), async (room, token) =>
        {
            AckedMessage[] acked;
            lock (room.Value)
            {
                acked = [.. room.Value];
            }
            if (acked.Length == 0)
            {
                return;
            }
            var oldest = acked.Min(m => m.Seq);
            var stored = new Dictionary<long, MessageRow>();
            long? before = null;
            long? oldestRetained = null;
            while (true)
            {
                var page = await target.GetMessagesAsync(room.Key, before, PageSize, token);
                foreach (var row in page)
                {
                    stored[row.Seq] = row;
                }
                if (before is null && page.Count > 0 && retainedPerRoom is { } retained)
                {
                    oldestRetained = page[^1].Seq - retained + 1; // seqs are gapless: the newest N are these
                }
                if (page.Count == 0 || page[0].Seq <= Math.Max(oldest, oldestRetained ?? oldest))
                {
                    break;
                }
                before = page[0].Seq;
            }
            foreach (var message in acked)
            {
                if (message.Seq < oldestRetained)
                {
                    Interlocked.Increment(ref beyondRetention);
                    continue;
                }
                Interlocked.Increment(ref checkedCount);
                if (!stored.TryGetValue(message.Seq, out var row))
                {
                    Interlocked.Increment(ref missing);
                    Problem($"message {room.Key}#{message.Seq} was acknowledged but is not in the room");
                }
                else if (row.Text != TextCorpus.Line(message.TextId) || !row.UserId.EndsWith($"u{message.User}", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref changed);
                    Problem($"message {room.Key}#{message.Seq} reads back different from what was acknowledged");
                }
            }
        });
        return (checkedCount, missing, changed, beyondRetention);
    }

    private async Task<FlagCheck> VerifyFlagsAsync(bool flagErrorsSeen, CancellationToken ct)
    {
        var flags = ledger.Flags.ToList();
        long unknown = 0, withoutCase = 0, inSeveral = 0, unverifiable = 0, cases = 0;

        await Parallel.ForEachAsync(flags, Limits(ct), async (flag, token) =>
        {
            try
            {
                await target.GetFlagStatusAsync(flag.FlagId, flag.ReporterId, token);
            }
            catch (OpException e)
            {
                Interlocked.Increment(ref unknown);
                Problem($"flag {flag.FlagId} of {flag.ReporterId}: the reporter cannot see it ({e.Kind})");
            }
        });

        // flag id → case id, from each accused user's audit.
        var caseOfFlag = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var accusedOfCase = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(flags.Select(f => f.AccusedUserId).Distinct(StringComparer.Ordinal), Limits(ct), async (accused, token) =>
        {
            var entries = await reader.GetAuditAsync(null, accused, AuditLimit, token);
            if (entries.Count >= AuditLimit)
            {
                Interlocked.Increment(ref unverifiable);
                Problem($"audit of {accused} has {AuditLimit}+ entries: its flags cannot all be seen in one page");
            }
            foreach (var entry in entries.Where(e => e.Action == "flag_received" && e.CaseId is not null))
            {
                caseOfFlag[entry.EntryId["audit_flag_".Length..]] = entry.CaseId!;
                accusedOfCase[entry.CaseId!] = accused;
            }
        });

        var flagsPerCase = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        foreach (var flag in flags)
        {
            if (!caseOfFlag.TryGetValue(flag.FlagId, out var caseId))
            {
                withoutCase++;
                Problem($"flag {flag.FlagId} on {flag.TargetKey} was acknowledged but belongs to no case");
                continue;
            }
            flagsPerCase.AddOrUpdate(caseId, 1, (_, n) => n + 1);
        }

        await Parallel.ForEachAsync(flagsPerCase, Limits(ct), async (pair, token) =>
        {
            Interlocked.Increment(ref cases);
            var detail = await reader.GetCaseAsync(pair.Key, token);
            if (detail.AccusedUserId != accusedOfCase[pair.Key])
            {
                Interlocked.Increment(ref inSeveral);
                Problem($"case {pair.Key} is about {detail.AccusedUserId}, but its flags accuse {accusedOfCase[pair.Key]}");
            }
            // A flag whose answer was lost (timeout) may still have joined: then the case may count more than we saw.
            var tooMany = flagErrorsSeen ? detail.Reporters < pair.Value : detail.Reporters != pair.Value;
            if (tooMany)
            {
                Interlocked.Increment(ref inSeveral);
                Problem($"case {pair.Key} counts {detail.Reporters} flags; {pair.Value} acknowledged flags map to it");
            }
        });
        return new FlagCheck(flags.Count, unknown, withoutCase, inSeveral, unverifiable, cases);
    }

    private async Task<(long Cases, long DecidedTwice, long DoubleClaims)> VerifyDecisionsAsync(CancellationToken ct)
    {
        long decidedTwice = 0, doubleClaims = 0;
        var cases = ledger.Claims.Keys.ToList();
        await Parallel.ForEachAsync(cases, Limits(ct), async (caseId, token) =>
        {
            var audit = await reader.GetAuditAsync(caseId, null, AuditLimit, token);
            var decided = audit.Count(e => e.Action == "case_decided");
            var claimers = audit.Where(e => e.Action == "case_claimed").Select(e => e.ActorId).Distinct(StringComparer.Ordinal).Count();
            if (decided > 1)
            {
                Interlocked.Increment(ref decidedTwice);
                Problem($"case {caseId} was decided {decided} times");
            }
            if (claimers > 1 && !audit.Any(e => e.Action is "case_released" or "lease_lapsed"))
            {
                Interlocked.Increment(ref doubleClaims);
                Problem($"case {caseId} was claimed by {claimers} agents with no release or lapse between");
            }
            if (ledger.Decisions.TryGetValue(caseId, out var agent))
            {
                var detail = await reader.GetCaseAsync(caseId, token);
                if (detail.DecidedBy != agent)
                {
                    Interlocked.Increment(ref decidedTwice);
                    Problem($"case {caseId} names {detail.DecidedBy ?? "nobody"} as its decider; the tool saw {agent} decide it");
                }
            }
        });
        return (cases.Count, decidedTwice, doubleClaims);
    }

    private ParallelOptions Limits(CancellationToken ct) => new() { MaxDegreeOfParallelism = concurrency, CancellationToken = ct };

    private void Problem(string description)
    {
        if (_problems.Count < MaxProblems)
        {
            _problems.Enqueue(description);
        }
    }

    private sealed record FlagCheck(long Checked, long Unknown, long WithoutCase, long InSeveral, long Unverifiable, long Cases);
}
