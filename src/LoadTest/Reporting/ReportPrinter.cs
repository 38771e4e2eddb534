using System.Globalization;
using System.Text;

namespace OrleansSafety.LoadTest.Reporting;

/// <summary>The end-of-run tables: per phase and operation the achieved rate and latency percentiles, refusals and
/// errors by type, the CPU split; then the ceilings, verification and targets.</summary>
public static class ReportPrinter
{
    public static string Format(RunReport report)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"== {report.Name} ({report.Target}, run {report.RunId}, seed {report.Seed}) on {report.Machine.Cores} cores, load {report.Machine.LoadAverage1m:0.00} at start");
        var phases = new List<PhaseResult>();
        if (report.Ceilings?.HttpNoop is { } noop)
        {
            phases.Add(noop);
        }
        if (report.Ceilings?.GrainPing is { } ping)
        {
            phases.Add(ping);
        }
        phases.AddRange(report.Phases);
        s.AppendLine(c, $"{"phase",-16} {"op",-14} {"ok/s",9} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"p99.9 ms",9} {"max ms",8} {"ok",9}  refused / errors");
        foreach (var phase in phases)
        {
            foreach (var op in phase.Ops)
            {
                var failures = string.Join(", ", op.Refused.Select(r => $"{r.Key} {r.Value}").Concat(op.Errors.Select(e => $"ERR {e.Key} {e.Value}")));
                s.AppendLine(c, $"{phase.Name,-16} {op.Name,-14} {op.PerSecond,9:0.0} {op.P50Ms,8:0.00} {op.P90Ms,8:0.00} {op.P99Ms,8:0.00} {op.P999Ms,9:0.00} {op.MaxMs,8:0.0} {op.Ok,9}  {failures}");
            }
            var cpu = string.Join(", ", phase.CpuPercent.Select(p => $"{p.Key} {p.Value:0}%"));
            s.AppendLine(c, $"{"",-16} {phase.Mode}, {phase.Seconds:0.0} s; CPU (100% = 1 core): {cpu}");
            if (phase.CpuMicrosPerOp.Count > 0)
            {
                var costs = string.Join(", ", phase.CpuMicrosPerOp.Select(p => $"{p.Key} {p.Value:0}"));
                s.AppendLine(c, $"{"",-16} CPU µs per {phase.Ops.MaxBy(o => o.Ok)?.Name}: {costs}; {phase.PerCoreSecond:0} per core-second of our processes");
            }
            if (phase.Database is { } db)
            {
                s.AppendLine(c, $"{"",-16} PostgreSQL: {db.CommitsPerSecond:0} commits/s, {db.RowsInsertedPerSecond:0} rows inserted/s, {db.RowsUpdatedPerSecond:0} updated/s, {db.ChatRowsPerSecond:0} chat rows/s; log {db.WalKiBPerSecond / 1024:0.0} MiB/s, {db.FullPageImagesPerSecond:0} full-page images/s, {db.CheckpointsBegun} checkpoint(s) begun");
            }
            if (phase.GatewayRuntime is { } runtime)
            {
                s.AppendLine(c, $"{"",-16} gateway runtime: {runtime.AllocatedBytesPerOp / 1024:0.0} KiB allocated per {phase.Ops.MaxBy(o => o.Ok)?.Name}, GC paused {runtime.GcPauseMsPerSecond:0.0} ms/s");
            }
            s.AppendLine(c, $"{"",-16} load tool: GC paused {phase.ToolGcPauseMsPerSecond:0.0} ms/s (in every latency above)");
        }
        if (report.Ceilings?.Storage is { } storage)
        {
            var byBatch = string.Join(", ", storage.RowsPerSecondByBatch.Select(b => $"{b.Key}: {b.Value:0}"));
            s.AppendLine(c, $"storage ceiling ({storage.Writers} writers), rows/s by batch size: {byBatch}");
        }
        if (report.Memory is { } m)
        {
            s.AppendLine(c, $"memory: {m.Rooms} rooms × {m.MessagesPerRoom} msgs: RSS {m.WorkingSetBefore >> 20} → {m.WorkingSetAfter >> 20} MiB, GC heap {m.GcHeapBefore >> 20} → {m.GcHeapAfter >> 20} MiB, activations {m.ActivationsBefore} → {m.ActivationsAfter}; {m.GcHeapBytesPerRoom:0} B heap and {m.WorkingSetBytesPerRoom:0} B RSS per room");
        }
        if (report.Verification is { } v)
        {
            s.AppendLine(c, $"verification ({v.Seconds:0.0} s): {(v.Passed ? "PASSED" : "FAILED")} — messages {v.MessagesChecked} checked, {v.MessagesMissing} missing, {v.MessagesChanged} changed{(v.MessagesBeyondRetention > 0 ? $", {v.MessagesBeyondRetention} older than the room keeps" : "")}; flags {v.FlagsChecked} checked, {v.FlagsUnknownToReporter} unknown to reporter, {v.FlagsWithoutCase} without case, {v.FlagsInSeveralCases} in several; cases {v.CasesChecked} checked, {v.CasesDecidedTwice} decided twice, {v.DoubleClaims} double claims, {v.Unverifiable} unverifiable");
            foreach (var problem in v.Problems)
            {
                s.AppendLine(c, $"  ! {problem}");
            }
        }
        foreach (var target in report.Targets)
        {
            var verdict = target.Met switch { true => "MET   ", false => "MISSED", null => "      " };
            s.AppendLine(c, $"{verdict} {target.Target}: {target.Measured}");
        }
        return s.ToString();
    }
}
