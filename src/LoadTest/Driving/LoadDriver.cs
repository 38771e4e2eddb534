using System.Diagnostics;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Driving;

/// <summary>One operation to run: <paramref name="index"/> is its place in the schedule.</summary>
public delegate Task Operation(long index, CancellationToken ct);

/// <summary>
/// The two ways of applying load. <b>Fixed rate</b> (open loop): operation k is due at start + k / rate whatever
/// happened to earlier ones, and its latency is measured from that intended time, so a stall shows up in the
/// latency of everything that should have been sent during it (no coordinated omission). <b>Closed loop</b>: N
/// workers each send, wait, send again — finds the peak the system takes; latency is then service time.
/// </summary>
public static class LoadDriver
{
    /// <summary>Runs <paramref name="operation"/> at <paramref name="rate"/> per second for <paramref name="duration"/>, then waits for stragglers.</summary>
    public static async Task RunFixedRateAsync(
        double rate, TimeSpan duration, int maxInFlight, PhaseMetrics metrics, OpStats stats, Operation operation, CancellationToken ct)
    {
        if (rate <= 0 || duration <= TimeSpan.Zero)
        {
            return;
        }
        using var slots = new SemaphoreSlim(maxInFlight);
        var running = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var ticksPerOp = Stopwatch.Frequency / rate;
        var total = (long)(rate * duration.TotalSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1));
        long next = 0;
        while (next < total && !ct.IsCancellationRequested)
        {
            var due = Math.Min(total, (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate) + 1);
            for (; next < due; next++)
            {
                var intended = start + (long)(next * ticksPerOp);
                // At the in-flight bound the dispatcher waits, but the op's clock already runs from its intended time.
                await slots.WaitAsync(ct);
                running.Add(RunOneAsync(next, intended, slots, metrics, stats, operation, ct));
            }
            running.RemoveAll(t => t.IsCompleted);
            await timer.WaitForNextTickAsync(ct);
        }
        await Task.WhenAll(running);
    }

    /// <summary>Runs <paramref name="workers"/> loops of <paramref name="operation"/> until <paramref name="duration"/> has passed.</summary>
    public static async Task RunClosedLoopAsync(
        int workers, TimeSpan duration, PhaseMetrics metrics, OpStats stats, Operation operation, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(duration);
        long counter = -1;
        var loops = Enumerable.Range(0, workers).Select(async _ =>
        {
            await Task.Yield();
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref counter);
                await RunOneAsync(index, Stopwatch.GetTimestamp(), null, metrics, stats, operation, ct);
            }
        });
        await Task.WhenAll(loops);
    }

    /// <summary>Runs a fixed number of operations with bounded concurrency (set-up work, preloading).</summary>
    public static async Task RunCountAsync(long count, int concurrency, PhaseMetrics metrics, OpStats stats, Operation operation, CancellationToken ct)
    {
        long counter = -1;
        var loops = Enumerable.Range(0, (int)Math.Min(concurrency, Math.Max(count, 1))).Select(async _ =>
        {
            await Task.Yield();
            long index;
            while ((index = Interlocked.Increment(ref counter)) < count && !ct.IsCancellationRequested)
            {
                await RunOneAsync(index, Stopwatch.GetTimestamp(), null, metrics, stats, operation, ct);
            }
        });
        await Task.WhenAll(loops);
    }

    private static async Task RunOneAsync(
        long index, long intended, SemaphoreSlim? slots, PhaseMetrics metrics, OpStats stats, Operation operation, CancellationToken ct)
    {
        metrics.Started();
        try
        {
            await operation(index, ct);
            stats.RecordOk(intended);
        }
        catch (OpException failure)
        {
            stats.RecordFailure(failure);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run is being stopped.
        }
#pragma warning disable CA1031 // A load tool counts every failure and keeps going; the report shows them by type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            stats.RecordError(e.GetType().Name);
        }
        finally
        {
            metrics.Finished();
            slots?.Release();
        }
    }
}
