using OrleansSafety.LoadTest;
using OrleansSafety.LoadTest.Options;

// Exit codes: 0 done (and verified when verification ran), 1 something acknowledged was lost, 2 bad options,
// 3 the run itself failed (e.g. the gateway could not be reached).
if (args is [] or ["--help", ..] or ["-h"])
{
    Console.WriteLine(OptionsParser.Usage);
    return args is [] ? 2 : 0;
}

if (args is ["--plot-scaling", var directory])
{
    // After `scripts/bench.sh scale`: the curve from the three reports.
    Console.WriteLine(OrleansSafety.LoadTest.Reporting.ScalingSummary.Write(directory));
    return 0;
}

LoadOptions options;
try
{
    options = OptionsParser.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync(OptionsParser.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    var report = await LoadRun.RunAsync(options, Console.Out, stop.Token);
    return report.Verification is { Passed: false } ? 1 : 0;
}
catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or HttpRequestException or OrleansException or Npgsql.NpgsqlException)
{
    await Console.Error.WriteLineAsync($"The run failed: {e.Message}");
    return 3;
}
