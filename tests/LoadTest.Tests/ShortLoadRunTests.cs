using OrleansSafety.LoadTest.Options;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>
/// About 20 seconds of everything at once — chat, every kind of flag with duplicates, boots, agents claiming and
/// deciding, appeals, a small claim storm — through the real HTTP API, then the tool's own verification.
/// </summary>
public sealed class ShortLoadRunTests(ITestOutputHelper output) : IDisposable
{
    private readonly LoadGateway _gateway = new();

    [Fact]
    public async Task Nothing_acknowledged_is_lost_under_a_short_mixed_load()
    {
        var url = _gateway.Start();
        var options = OptionsParser.Parse(
        [
            "--url", url.ToString(),
            "--api-key", LoadGateway.ApiKey,
            "--name", "test",
            "--seed", "7",
            // The no-database mode keeps each room's newest 1000 messages. A warm process (another test of this
            // class ran first) posts over 1,300 per room in the closed-loop peak, so the verifier is told: it reads
            // back every message a room keeps, and counts older ones apart instead of as lost.
            "--retained-per-room", "1000",
            "--rooms", "48",
            "--users", "120",
            "--history", "5",
            "--concurrency", "16",
            "--warmup", "1",
            "--ceilings", "1",
            "--peak", "2",
            "--duration", "10",
            "--chat-rate", "100",
            "--flag-rate", "8",
            "--boot-rate", "0.5",
            "--agents", "3",
            "--seniors", "1",
            "--think-ms", "10",
            "--appeal-share", "1",
            "--storm-cases", "30",
            "--storm-agents", "5",
            "--storm-warmup", "10",
            "--max-run", "90",
        ], _ => null);
        using var log = new StringWriter();

        var report = await LoadRun.RunAsync(options, log, CancellationToken.None);
        output.WriteLine(log.ToString());

        var verification = report.Verification!;
        Assert.True(verification.Passed, string.Join(Environment.NewLine, verification.Problems));
        Assert.True(verification.MessagesChecked > 500, $"only {verification.MessagesChecked} messages were acknowledged");
        Assert.True(verification.FlagsChecked >= 50, $"only {verification.FlagsChecked} flags were acknowledged");
        Assert.Equal(0, verification.DoubleClaims);
        Assert.Equal(0, verification.CasesDecidedTwice);

        // The storm's agents decide its 10 extra cases unmeasured (a few more if rounds were under way), so the
        // measured storm is the 30 asked for, less at most one round per agent.
        var stormDecided = report.Phase("claim-storm")!.Op("decide")!.Ok;
        Assert.InRange(stormDecided, 30 - 5, 30);

        var mixed = report.Phase("mixed")!;
        Assert.True(mixed.Op("decide")!.Ok > 0, "agents decided nothing");
        // The agents start with the mixed phase's warm-up, so their first claims (cold code, new grains) go unmeasured.
        var warmup = report.Warmups["mixed"];
        Assert.True(warmup.GetValueOrDefault("claim") + warmup.GetValueOrDefault("claim-empty") > 0, "the agents did not work during the warm-up");
        // Refusals (booted, muted) are the domain working; errors (5xx, timeouts) are not.
        var errors = report.Phases.SelectMany(p => p.Ops).SelectMany(o => o.Errors).ToList();
        Assert.True(errors.Count == 0, "errors: " + string.Join(", ", errors.Select(e => $"{e.Key} × {e.Value}")));
        Assert.Equal(0, mixed.Op("flag")!.Refused.GetValueOrDefault("rate-limited"));

        // Each measured phase long enough to see the gateway's counters move (its /metrics answer is cached for
        // 300 ms) says what the gateway allocated per operation and how long it paused for GC.
        Assert.All(report.Phases.Where(p => p.Seconds >= 1), phase => Assert.True(phase.GatewayRuntime is { AllocatedBytesPerOp: > 0, GcPauseMsPerSecond: >= 0 },
            $"{phase.Name}: no gateway runtime figures ({phase.GatewayRuntime})"));
        Assert.Contains("KiB allocated per chat", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("load tool: GC paused", log.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The no-database mode keeps each room's newest 1000 messages. Told so, the verifier checks those and counts the
    /// older ones apart; not told, it reports the older ones as lost — the check that catches a real loss.
    /// </summary>
    [Fact]
    public async Task The_verifier_reports_what_a_room_no_longer_keeps_as_lost_unless_told_the_retention()
    {
        var url = _gateway.Start();
        string[] chatOnly =
        [
            "--url", url.ToString(), "--api-key", LoadGateway.ApiKey, "--name", "retention", "--seed", "11",
            "--rooms", "2", "--users", "20", "--history", "0", "--concurrency", "16", "--warmup", "0",
            "--ceilings", "0", "--peak", "6", "--duration", "0", "--max-run", "60",
        ];
        using var log = new StringWriter();

        var told = (await LoadRun.RunAsync(OptionsParser.Parse([.. chatOnly, "--retained-per-room", "1000"], _ => null), log, CancellationToken.None)).Verification!;
        var notTold = (await LoadRun.RunAsync(OptionsParser.Parse(chatOnly, _ => null), log, CancellationToken.None)).Verification!;
        output.WriteLine(log.ToString());

        Assert.True(told.MessagesBeyondRetention > 0, $"the rooms never passed 1000 messages ({told.MessagesChecked} checked)");
        Assert.True(told.Passed, string.Join(Environment.NewLine, told.Problems));
        Assert.Equal(2 * 1000, told.MessagesChecked);
        Assert.False(notTold.Passed);
        Assert.True(notTold.MessagesMissing > 0);
    }

    public void Dispose() => _gateway.Dispose();
}
