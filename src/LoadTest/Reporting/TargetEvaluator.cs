using System.Globalization;
using OrleansSafety.LoadTest.Phases;

namespace OrleansSafety.LoadTest.Reporting;

/// <summary>Checks a run's figures against the targets of issue 6; a target whose phase did not run is left out.</summary>
public static class TargetEvaluator
{
    private const double GiB = 1024.0 * 1024 * 1024;

    public static void Evaluate(RunReport report, double? chatShare)
    {
        var c = CultureInfo.InvariantCulture;
        var peakPhase = report.Phase("chat-peak");
        var peak = peakPhase?.Op("chat");
        var noopPhase = report.Ceilings?.HttpNoop;
        var noop = noopPhase?.Op("noop");
        var ping = report.Ceilings?.GrainPing?.Op("ping");
        var storage = report.Ceilings?.Storage;
        if (peak is not null && noop is not null && NotMeasured(noop, peak) is { } unmeasured)
        {
            report.Targets.Add(new("chat ≥ 50 % of the HTTP ceiling", unmeasured, null));
        }
        else if (peak is not null && noop is not null)
        {
            var ratio = peak.PerSecond / noop.PerSecond;
            // Per core-second of our own processes as well: on a shared machine the two phases may get different shares.
            var perCore = noopPhase!.PerCoreSecond > 0 ? peakPhase!.PerCoreSecond / noopPhase.PerCoreSecond : 0;
            report.Targets.Add(new("chat ≥ 50 % of the HTTP ceiling", string.Create(c,
                $"{peak.PerSecond:0}/s of {noop.PerSecond:0}/s = {ratio:P0}; per core-second {peakPhase!.PerCoreSecond:0} of {noopPhase.PerCoreSecond:0} = {perCore:P0}"), ratio >= 0.5));
        }
        if (peak is not null && ping is not null)
        {
            report.Targets.Add(new("(info) chat vs Orleans ceiling", NotMeasured(ping, peak)
                ?? string.Create(c, $"{peak.PerSecond:0}/s of {ping.PerSecond:0}/s = {peak.PerSecond / ping.PerSecond:P0}"), null));
        }
        if (peak is not null && storage is not null)
        {
            report.Targets.Add(new("(info) chat vs storage ceiling", string.Create(c, $"{peak.PerSecond:0}/s of {storage.BestRowsPerSecond:0} rows/s = {peak.PerSecond / storage.BestRowsPerSecond:P0}"), null));
        }
        if (report.Phase("mixed") is { } mixed)
        {
            if (mixed.Op("chat") is { } chat)
            {
                var at = chatShare is { } share ? string.Create(c, $" at {share:P0} of peak") : "";
                report.Targets.Add(new($"chat p99 ≤ 25 ms{at}", string.Create(c, $"p99 {chat.P99Ms:0.0} ms at {chat.PerSecond:0}/s"), chatShare is null ? null : chat.P99Ms <= 25));
            }
            if (mixed.Op("flag") is { Ok: > 0 } flag)
            {
                report.Targets.Add(new("flag → claimable p99 ≤ 100 ms", string.Create(c, $"p99 {flag.P99Ms:0.0} ms at {flag.PerSecond:0.#}/s"), flag.P99Ms <= 100));
            }
        }
        Compare(report, "rooms-", "same rate with different room counts (±15 %)", 0.15);
        Compare(report, "history-", "same rate with different history sizes (±10 %)", 0.10);
        if (report.Phase("claim-storm") is { } storm && storm.Op("claim") is { } claim)
        {
            var doubles = report.Verification?.DoubleClaims ?? 0;
            report.Targets.Add(new(string.Create(c, $"claim-next p99 ≤ 20 ms with {storm.Concurrency} agents, no double claim"),
                string.Create(c, $"p99 {claim.P99Ms:0.0} ms, {claim.PerSecond:0} claims/s, {doubles} double claims"), claim.P99Ms <= 20 && doubles == 0));
        }
        if (report.Memory is { } memory)
        {
            report.Targets.Add(new(string.Create(c, $"{memory.Rooms} rooms × {memory.MessagesPerRoom} messages under 4 GiB"),
                string.Create(c, $"RSS {memory.WorkingSetAfter / GiB:0.00} GiB; {memory.GcHeapBytesPerRoom:0} B heap / room"), memory.WorkingSetAfter < 4 * GiB));
        }
        if (report.Verification is { } verification)
        {
            report.Targets.Add(new("nothing acknowledged lost", string.Create(c,
                $"{verification.MessagesChecked} messages, {verification.FlagsChecked} flags, {verification.CasesChecked} cases checked"), verification.Passed));
        }
    }

    /// <summary>
    /// Why a ratio between closed-loop phases would mean nothing, or null: a phase the gateway did not serve (its
    /// benchmark endpoints are off unless <c>Gateway:BenchmarkEndpoints</c> is true, as in the README's demo gateway),
    /// or a phase its per-key rate limit held back (then the rate is the limit, not the system).
    /// </summary>
    private static string? NotMeasured(params OpResult[] ops)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var op in ops)
        {
            if (op.Ok == 0)
            {
                var errors = string.Join(", ", op.Errors.Select(e => string.Create(c, $"{e.Value} × {e.Key}")));
                var hint = op.Errors.ContainsKey("http-404")
                    ? "; the gateway's benchmark endpoints are off: start it with Gateway__BenchmarkEndpoints=true"
                    : "";
                return $"not measured: no {op.Name} was answered ({(errors.Length > 0 ? errors : "no errors recorded")}){hint}";
            }
            if (op.Refused.TryGetValue("rate-limited", out var limited) && limited > 0)
            {
                return string.Create(c, $"not measured: the gateway's per-key rate limit refused {limited} × {op.Name}, so the rate is the limit's, not the system's; raise Gateway__RateLimits__PerKeyPerSecond and PerKeyBurst");
            }
        }
        return null;
    }

    /// <summary>
    /// The sweep's values compared by their mean rate: a value measured more than once (e.g. A,B,B,A) counts the mean
    /// of its steps, so drift over the run cancels out instead of favouring the value measured last.
    /// </summary>
    private static void Compare(RunReport report, string prefix, string target, double tolerance)
    {
        var byValue = report.Phases
            .Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal) && p.Op("chat") is not null)
            .GroupBy(p => ChatPhases.SweepValueOf(p.Name, prefix))
            .Select(g => (Value: g.Key, Rates: g.Select(p => p.Op("chat")!.PerSecond).ToList()))
            .ToList();
        if (byValue.Count < 2)
        {
            return;
        }
        var means = byValue.Select(v => v.Rates.Average()).ToList();
        var spread = (means.Max() - means.Min()) / means.Max();
        var measured = string.Join(" vs ", byValue.Select(v => Describe(v.Value, v.Rates)));
        report.Targets.Add(new(target, string.Create(CultureInfo.InvariantCulture, $"{measured} ({spread:P1} apart)"), spread <= tolerance));
    }

    private static string Describe(string value, List<double> rates)
    {
        var c = CultureInfo.InvariantCulture;
        var mean = string.Create(c, $"{value}: {rates.Average():0}/s");
        return rates.Count == 1 ? mean : mean + string.Create(c, $" (mean of {string.Join(", ", rates.Select(r => r.ToString("0", c)))})");
    }
}
