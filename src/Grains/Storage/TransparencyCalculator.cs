namespace OrleansSafety.Grains.Storage;

/// <summary>Derives the transparency counts of SPEC §3 from audit entries in a time range.</summary>
public static class TransparencyCalculator
{
    public static TransparencyReport Compute(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<AuditEntry> entries)
    {
        var flags = CountDetail(entries, AuditActions.FlagReceived, AuditDetailKeys.Reason);
        var decisions = CountDetail(entries, AuditActions.CaseDecided, AuditDetailKeys.Outcome);
        var sanctions = CountDetail(entries, AuditActions.CaseDecided, AuditDetailKeys.Sanction);
        var seconds = entries
            .Where(e => e.Action == AuditActions.CaseDecided)
            .Select(e => Detail(e, AuditDetailKeys.SecondsToDecision))
            .Where(s => s is not null)
            .Select(s => double.Parse(s!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        var appealsFiled = entries.Count(e => e.Action == AuditActions.AppealFiled);
        var appealDecisions = entries.Where(e => e.Action == AuditActions.AppealDecided).ToList();
        var overturned = appealDecisions.Count(e => Detail(e, AuditDetailKeys.Outcome) == WireNames.ToWire(AppealOutcome.Overturned));
        return new TransparencyReport(
            from,
            to,
            flags,
            decisions,
            sanctions,
            Median(seconds),
            appealsFiled,
            appealDecisions.Count,
            overturned,
            appealDecisions.Count == 0 ? null : (double)overturned / appealDecisions.Count);
    }

    public static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static Dictionary<string, int> CountDetail(IEnumerable<AuditEntry> entries, string action, string key) =>
        entries
            .Where(e => e.Action == action)
            .Select(e => Detail(e, key))
            .Where(v => v is not null)
            .GroupBy(v => v!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    private static string? Detail(AuditEntry entry, string key) =>
        entry.Details is not null && entry.Details.TryGetValue(key, out var value) ? value : null;
}
