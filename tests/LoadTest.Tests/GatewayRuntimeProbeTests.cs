using OrleansSafety.LoadTest.Profiling;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>Reading the gateway's runtime counters out of Prometheus' text format.</summary>
public sealed class GatewayRuntimeProbeTests
{
    private const string Scrape = """
        # TYPE dotnet_gc_heap_total_allocated_bytes_total counter
        # HELP dotnet_gc_heap_total_allocated_bytes_total The approximate number of bytes allocated on the managed GC heap.
        dotnet_gc_heap_total_allocated_bytes_total{otel_scope_name="System.Runtime"} 1234567 1764150000000
        dotnet_gc_pause_time_seconds_total{otel_scope_name="System.Runtime"} 0.25
        dotnet_gc_pause_time_seconds_total_other 99
        dotnet_gc_collections_total{gc_heap_generation="gen0"} 40
        dotnet_gc_collections_total{gc_heap_generation="gen1"} 2
        """;

    [Fact]
    public void A_metric_is_the_sum_of_its_samples_and_only_its_own()
    {
        Assert.Equal(1234567, GatewayRuntimeProbe.Sum(Scrape, "dotnet_gc_heap_total_allocated_bytes_total"));
        Assert.Equal(0.25, GatewayRuntimeProbe.Sum(Scrape, "dotnet_gc_pause_time_seconds_total")); // not the "_other" line
        Assert.Equal(42, GatewayRuntimeProbe.Sum(Scrape, "dotnet_gc_collections_total"));
        Assert.Null(GatewayRuntimeProbe.Sum(Scrape, "dotnet_thread_pool_thread_count"));
    }

    [Fact]
    public void Per_phase_figures_are_bytes_per_operation_and_pause_per_second()
    {
        var before = new GatewayRuntimeProbe.Counters(0, 1_000_000, 0.100);
        var after = new GatewayRuntimeProbe.Counters(System.Diagnostics.Stopwatch.Frequency * 2, 3_000_000, 0.160);

        var runtime = GatewayRuntimeProbe.Between(before, after, operations: 1000)!;

        Assert.Equal(2000, runtime.AllocatedBytesPerOp);
        Assert.Equal(30, runtime.GcPauseMsPerSecond);
        Assert.Null(GatewayRuntimeProbe.Between(before, null, 1000));
        Assert.Null(GatewayRuntimeProbe.Between(before, after, 0));
        Assert.Null(GatewayRuntimeProbe.Between(before, before with { Timestamp = after.Timestamp }, 1000)); // one cached scrape seen twice
    }
}
