using System.Globalization;

namespace OrleansSafety.LoadTest.Profiling;

/// <summary>
/// Where the CPU went during a phase, from /proc: this tool, each watched process (gateway, silos), the PostgreSQL
/// server's processes together, everything else, and the machine as a whole (100 % = one core; this machine has <see cref="Environment.ProcessorCount"/>).
/// On a 2-core box with everything on it, that split is the first thing that says what limits a number.
/// </summary>
public sealed class CpuSampler(IReadOnlyDictionary<string, int> watched)
{
    /// <summary>The PostgreSQL server's postmaster: only it and its children count as "postgres" (other servers on the machine do not).</summary>
    public int? Postmaster { get; set; }

    // Linux reports process times in USER_HZ ticks, 100 per second on every mainstream kernel configuration.
    private const double TicksPerSecond = 100;

    public Snapshot Take()
    {
        var groups = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["load-tool"] = ProcessTicks(Environment.ProcessId) ?? 0,
        };
        foreach (var (name, pid) in watched)
        {
            groups[name] = ProcessTicks(pid) ?? 0;
        }
        if (Postmaster is { } postmaster)
        {
            groups["postgres"] = PostgresTicks(postmaster);
        }
        return new Snapshot(DateTimeOffset.UtcNow, groups, File.Exists("/proc/stat") ? MachineIdle.Parse(File.ReadAllText("/proc/stat")) : null);
    }

    /// <summary>
    /// Percent of one core per group between two snapshots, plus "others": what the machine spent on processes that
    /// are not ours (on a shared machine, the share the measured system did not get).
    /// </summary>
    public static IReadOnlyDictionary<string, double> Percent(Snapshot before, Snapshot after)
    {
        var seconds = Math.Max((after.At - before.At).TotalSeconds, 1e-3);
        var percent = after.Ticks.ToDictionary(
            g => g.Key,
            // Never negative: PostgreSQL backends that exit during the phase take their ticks with them.
            g => Math.Max(0, Math.Round((g.Value - before.Ticks.GetValueOrDefault(g.Key)) / TicksPerSecond / seconds * 100, 1)),
            StringComparer.Ordinal);
        var ours = percent.Sum(p => p.Value);
        percent["machine"] = before.Idle is { } idleBefore && after.Idle is { } idleAfter
            ? MachineIdle.BusyPercent(idleBefore, idleAfter, seconds, TicksPerSecond)
            : 0;
        percent["others"] = Math.Max(0, Math.Round(percent.GetValueOrDefault("machine") - ours, 1));
        return percent;
    }

    private static long? ProcessTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may contain spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static long PostgresTicks(int postmaster)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        long total = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                if (pid == postmaster || ParentOf(pid) == postmaster)
                {
                    total += ProcessTicks(pid) ?? 0;
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return total;
    }

    public static int? ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    public sealed record Snapshot(DateTimeOffset At, IReadOnlyDictionary<string, long> Ticks, MachineIdle? Idle);
}
