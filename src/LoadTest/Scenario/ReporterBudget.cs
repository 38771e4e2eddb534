using System.Collections.Concurrent;

namespace OrleansSafety.LoadTest.Scenario;

/// <summary>
/// Keeps every reporter under the gateway's per-reporter limit (SPEC: 30 flags per 10 minutes), so a correct run
/// sees no 429 from it: a reporter whose allowance is spent is replaced by another member of the room, and when
/// all are spent by a reporter from outside the chat population.
/// </summary>
public sealed class ReporterBudget(Population population, int perReporter)
{
    private readonly ConcurrentDictionary<string, int> _used = new(StringComparer.Ordinal);
    private readonly Lock _extraLock = new();
    private int _extra;
    private int _extraUsed;

    /// <summary>The first of the candidates with allowance left, charged one flag; else an extra reporter.</summary>
    public string Take(IEnumerable<string> candidates, string accused)
    {
        foreach (var candidate in candidates)
        {
            if (candidate == accused)
            {
                continue;
            }
            var after = _used.AddOrUpdate(candidate, 1, (_, n) => n + 1);
            if (after <= perReporter)
            {
                return candidate;
            }
        }
        lock (_extraLock)
        {
            if (++_extraUsed > perReporter)
            {
                _extra++;
                _extraUsed = 1;
            }
            return population.ExtraReporter(_extra);
        }
    }
}
