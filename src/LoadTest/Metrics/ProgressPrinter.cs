using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansSafety.LoadTest.Metrics;

/// <summary>One line per second while a phase runs: each operation's rate and p99, requests in flight, refusals, errors.</summary>
public sealed class ProgressPrinter : IAsyncDisposable
{
    private readonly PhaseMetrics _metrics;
    private readonly TextWriter _out;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _last;

    public ProgressPrinter(PhaseMetrics metrics, TextWriter output)
    {
        _metrics = metrics;
        _out = output;
        _last = _started;
        _loop = RunAsync();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Print();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the final tick is taken in DisposeAsync.
        }
    }

    private void Print()
    {
        var now = Stopwatch.GetTimestamp();
        var point = _metrics.Tick(Stopwatch.GetElapsedTime(_started, now).TotalSeconds, Stopwatch.GetElapsedTime(_last, now).TotalSeconds);
        _last = now;
        var line = new StringBuilder().Append(CultureInfo.InvariantCulture, $"[{_metrics.Phase,-14} {point.Seconds,5:0}s]");
        foreach (var (op, rate) in point.Rates.Where(r => r.Value > 0))
        {
            line.Append(CultureInfo.InvariantCulture, $" {op} {rate:0}/s p99 {point.P99Ms[op]:0.0}ms |");
        }
        line.Append(CultureInfo.InvariantCulture, $" in-flight {point.InFlight} refused {point.Refused} errors {point.Errors}");
        _out.WriteLine(line.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        Print();
        _stop.Dispose();
    }
}
