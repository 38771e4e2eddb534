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
            "--rooms", "12",
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

        var mixed = report.Phase("mixed")!;
        Assert.True(mixed.Op("decide")!.Ok > 0, "agents decided nothing");
        // Refusals (booted, muted) are the domain working; errors (5xx, timeouts) are not.
        var errors = report.Phases.SelectMany(p => p.Ops).SelectMany(o => o.Errors).ToList();
        Assert.True(errors.Count == 0, "errors: " + string.Join(", ", errors.Select(e => $"{e.Key} × {e.Value}")));
        Assert.Equal(0, mixed.Op("flag")!.Refused.GetValueOrDefault("rate-limited"));
    }

    public void Dispose() => _gateway.Dispose();
}
