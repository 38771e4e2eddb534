using System.Diagnostics;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>One monotonic clock for the whole run, so fault times and request times compare directly.</summary>
public static class RunClock
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    public static TimeSpan Now => Stopwatch.GetElapsedTime(Origin);
}
