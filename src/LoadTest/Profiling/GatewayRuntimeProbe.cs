using System.Diagnostics;
using System.Globalization;
using OrleansSafety.LoadTest.Reporting;

namespace OrleansSafety.LoadTest.Profiling;

/// <summary>
/// The gateway's .NET runtime counters before and after a phase, read from its Prometheus endpoint (<c>/metrics</c>,
/// the runtime's <c>System.Runtime</c> meter): bytes allocated per operation and time paused for garbage collection
/// per second. Pauses are what a fixed-rate phase's latency spikes line up with (docs/BENCHMARKS.md); allocations
/// are what causes them. Null when the endpoint or the counters are not there (an older gateway, another target).
/// The endpoint caches its answer for 300 ms, so the figures of a phase lasting seconds are within a few per cent.
/// </summary>
public sealed class GatewayRuntimeProbe(Uri gateway) : IDisposable
{
    private const string AllocatedMetric = "dotnet_gc_heap_total_allocated_bytes_total";
    private const string PauseMetric = "dotnet_gc_pause_time_seconds_total";

    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(5) };

    public async Task<Counters?> TakeAsync(CancellationToken ct)
    {
        try
        {
            var text = await _http.GetStringAsync("/metrics", ct);
            var allocated = Sum(text, AllocatedMetric);
            var paused = Sum(text, PauseMetric);
            return allocated is null || paused is null ? null : new Counters(Stopwatch.GetTimestamp(), allocated.Value, paused.Value);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null; // the endpoint did not answer in time: no figure rather than a failed run
        }
    }

    /// <param name="operations">The phase's main operations, to state allocations per operation.</param>
    public static GatewayRuntime? Between(Counters? before, Counters? after, long operations)
    {
        // The exporter caches its answer for 300 ms: a phase shorter than that may see one scrape twice.
        if (before is null || after is null || operations <= 0 || after.AllocatedBytes == before.AllocatedBytes)
        {
            return null;
        }
        var seconds = Math.Max(Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds, 1e-3);
        return new GatewayRuntime(
            Math.Round((after.AllocatedBytes - before.AllocatedBytes) / operations),
            Math.Round((after.PauseSeconds - before.PauseSeconds) * 1000 / seconds, 1));
    }

    /// <summary>The sum of a metric's samples (over all its label sets) in Prometheus' text format; null if absent.</summary>
    public static double? Sum(string text, string metric)
    {
        double? sum = null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(metric, StringComparison.Ordinal) || line.Length == metric.Length
                || line[metric.Length] is not (' ' or '{'))
            {
                continue;
            }
            // "name{labels} value [timestamp]": the value follows the label set (or the name) after a space.
            var rest = line[metric.Length..];
            var afterLabels = rest[0] == '{' ? rest[(rest.IndexOf('}') + 1)..] : rest;
            var value = afterLabels.Trim();
            var end = value.IndexOf(' ');
            if (double.TryParse(end < 0 ? value : value[..end], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                sum = (sum ?? 0) + parsed;
            }
        }
        return sum;
    }

    public void Dispose() => _http.Dispose();

    public sealed record Counters(long Timestamp, double AllocatedBytes, double PauseSeconds);
}
