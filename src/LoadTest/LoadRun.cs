using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using OrleansSafety.LoadTest.Ceilings;
using OrleansSafety.LoadTest.Options;
using OrleansSafety.LoadTest.Phases;
using OrleansSafety.LoadTest.Profiling;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Targets;
using OrleansSafety.LoadTest.Verification;

namespace OrleansSafety.LoadTest;

/// <summary>
/// One run of the tool: set-up, then each phase the options switch on (ceilings, chat peak, sweeps, mixed load,
/// claim storm, memory), then verification, target checks, and the report (console, JSON, PNG).
/// </summary>
public static class LoadRun
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<RunReport> RunAsync(LoadOptions options, TextWriter output, CancellationToken cancellation)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(TimeSpan.FromSeconds(options.MaxRunSeconds));
        var ct = limit.Token;

        await using var target = await ConnectAsync(options, ct);
        await using var database = options.Postgres is { Length: > 0 } pg ? new DatabaseProbe(pg) : null;
        using var gatewayRuntime = options.Target == TargetKind.Http ? new GatewayRuntimeProbe(options.Url) : null;
        var run = new RunContext(options, target, output, database, gatewayRuntime);
        run.Cpu.Postmaster = database is null ? null : await database.PostmasterPidAsync(ct);
        var report = new RunReport
        {
            Name = options.Name,
            RunId = options.RunId,
            Seed = options.Seed,
            Target = target.Description,
            Machine = Machine(),
            StartedAt = DateTimeOffset.UtcNow,
            Options = Describe(options),
        };
        await output.WriteLineAsync($"[run] {options.Name}: {target.Description}, run id {options.RunId}, seed {options.Seed}");

        await SetupPhase.ConfigureRoomsAsync(run, run.People, ct);
        // At least one message per user: every user grain is active before anything is measured.
        await SetupPhase.PreloadHistoryAsync(run, run.People, run.MainHistory, ct);
        await SetupPhase.SignInAgentsAsync(run, ct);

        if (options.CeilingSeconds > 0)
        {
            report.Ceilings = await CeilingPhases.RunAsync(run, ct);
        }
        double? peakRate = null;
        if (options.PeakSeconds > 0)
        {
            var peak = await ChatPhases.PeakAsync(run, ct);
            report.Phases.Add(peak);
            peakRate = peak.Op("chat")?.PerSecond;
        }
        report.Phases.AddRange(await ChatPhases.SweepAsync(run, ct));
        if (options.Duration > 0)
        {
            var chatRate = options.ChatRateShare is { } share && peakRate is { } measured ? share * measured : options.ChatRate;
            report.Phases.Add(await MixedPhase.RunAsync(run, chatRate, ct));
        }
        if (options.StormCases > 0)
        {
            report.Phases.Add(await StormPhase.RunAsync(run, ct));
        }
        if (options.MemoryRooms > 0 && target is OrleansTarget orleans)
        {
            report.Memory = await MemoryPhase.RunAsync(run, orleans, ct);
        }
        report.Warmups = run.Warmups.ToDictionary(w => w.Key,
            w => (IReadOnlyDictionary<string, long>)w.Value.Ops.ToDictionary(op => op.Name, op => op.Ok, StringComparer.Ordinal), StringComparer.Ordinal);
        if (options.Verify)
        {
            await output.WriteLineAsync($"[verify] reading back {run.Ledger.MessageCount} messages, {run.Ledger.Flags.Count} flags, {run.Ledger.Claims.Count} claimed cases");
            var flagErrors = report.Phases.Any(p => p.Op("flag") is { } f && f.Errors.Count > 0);
            report.Verification = await new Verifier(target, run.VerifierAgent!, run.Ledger, run.Options.RetainedPerRoom).VerifyAsync(flagErrors, ct);
        }

        TargetEvaluator.Evaluate(report, options.ChatRateShare);
        await output.WriteLineAsync(ReportPrinter.Format(report));
        await WriteFilesAsync(report, options.OutDir, output);
        return report;
    }

    private static async Task<IModerationTarget> ConnectAsync(LoadOptions o, CancellationToken ct) => o.Target switch
    {
        TargetKind.Http => new HttpTarget(o.Url, o.ApiKey, chatConnections: Math.Max(o.Concurrency, 64), agentConnections: o.Agents + o.Seniors + o.StormAgents),
        _ => await OrleansTarget.ConnectAsync(o.Postgres, o.ClusterId, o.ServiceId, o.OrleansGatewayPort, ct),
    };

    private static async Task WriteFilesAsync(RunReport report, string? outDir, TextWriter output)
    {
        if (string.IsNullOrEmpty(outDir))
        {
            return;
        }
        Directory.CreateDirectory(outDir);
        var prefix = Path.Combine(outDir, $"bench-{report.Name}");
        await File.WriteAllTextAsync($"{prefix}.json", JsonSerializer.Serialize(report, JsonOptions));
        await File.WriteAllTextAsync($"{prefix}.txt", ReportPrinter.Format(report));
        var plotted = new List<PhaseResult>(report.Phases);
        if (report.Ceilings?.HttpNoop is { } noop)
        {
            plotted.Add(noop);
        }
        if (report.Ceilings?.GrainPing is { } ping)
        {
            plotted.Add(ping);
        }
        foreach (var phase in plotted.Where(p => p.Histograms.Values.Any(h => h.TotalCount > 1)))
        {
            Plots.LatencySpectrum(phase, $"{prefix}-{phase.Name}-latency.png");
        }
        if (report.Phase("mixed") is { } mixed)
        {
            Plots.Timeline(mixed, $"{prefix}-mixed-timeline.png");
        }
        await output.WriteLineAsync($"[run] report written to {prefix}.json / .txt / -*.png");
    }

    private static MachineInfo Machine()
    {
        var load = File.Exists("/proc/loadavg")
            ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;
        return new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, load,
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    private static Dictionary<string, string> Describe(LoadOptions o) => new(StringComparer.Ordinal)
    {
        ["target"] = o.Target.ToString(),
        ["url"] = o.Url.ToString(),
        ["rooms"] = o.Rooms.ToString(CultureInfo.InvariantCulture),
        ["users"] = o.Users.ToString(CultureInfo.InvariantCulture),
        ["history"] = o.HistoryPerRoom.ToString(CultureInfo.InvariantCulture),
        ["concurrency"] = o.Concurrency.ToString(CultureInfo.InvariantCulture),
        ["ceilingSeconds"] = o.CeilingSeconds.ToString(CultureInfo.InvariantCulture),
        ["peakSeconds"] = o.PeakSeconds.ToString(CultureInfo.InvariantCulture),
        ["duration"] = o.Duration.ToString(CultureInfo.InvariantCulture),
        ["chatRate"] = o.ChatRateShare is { } s ? $"{s} × peak" : o.ChatRate.ToString(CultureInfo.InvariantCulture),
        ["flagRate"] = o.FlagRate.ToString(CultureInfo.InvariantCulture),
        ["bootRate"] = o.BootRate.ToString(CultureInfo.InvariantCulture),
        ["agents"] = o.Agents.ToString(CultureInfo.InvariantCulture),
        ["seniors"] = o.Seniors.ToString(CultureInfo.InvariantCulture),
        ["stormCases"] = o.StormCases.ToString(CultureInfo.InvariantCulture),
        ["stormAgents"] = o.StormAgents.ToString(CultureInfo.InvariantCulture),
        ["memoryRooms"] = o.MemoryRooms.ToString(CultureInfo.InvariantCulture),
        ["sweepRooms"] = string.Join(',', o.SweepRooms),
        ["sweepHistory"] = string.Join(',', o.SweepHistory),
    };
}
