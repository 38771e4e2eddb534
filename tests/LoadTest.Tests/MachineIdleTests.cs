using OrleansSafety.LoadTest.Profiling;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>The machine's busy share, read from idle time in /proc/stat.</summary>
public sealed class MachineIdleTests
{
    // Two readings 10 s apart on a 2-core machine (USER_HZ = 100). The user/system fields grew by 570 ticks, but
    // idle + iowait grew by only 1100 of the 2000 the two CPUs had: 900 ticks, 90 % of a core, were busy.
    private const string Before = """
        cpu  1000 0 500 40000 100 0 20 0 0 0
        cpu0 500 0 250 20000 50 0 10 0 0 0
        cpu1 500 0 250 20000 50 0 10 0 0 0
        intr 123456
        """;

    private const string After = """
        cpu  1400 0 660 41050 150 0 30 0 0 0
        cpu0 700 0 330 20525 75 0 15 0 0 0
        cpu1 700 0 330 20525 75 0 15 0 0 0
        intr 223456
        """;

    [Fact]
    public void Idle_and_iowait_are_summed_and_the_cpus_counted()
    {
        Assert.Equal(new MachineIdle(40100, 2), MachineIdle.Parse(Before));
    }

    [Fact]
    public void Busy_is_all_the_cpus_time_minus_idle_not_the_sampled_user_and_system_fields()
    {
        var busy = MachineIdle.BusyPercent(MachineIdle.Parse(Before)!, MachineIdle.Parse(After)!, seconds: 10, ticksPerSecond: 100);

        Assert.Equal(90.0, busy); // the user + system + softirq fields alone would say 57 %
    }

    [Fact]
    public void A_reading_without_a_cpu_line_gives_no_figure()
    {
        Assert.Null(MachineIdle.Parse("intr 1\nctxt 2\n"));
    }
}
