namespace OrleansSafety.Grains.Cases;

/// <summary>
/// A case's priority: severity of its worst reason, plus the credibility of its distinct reporters, plus age.
/// The age term grows at the same rate for every case, so ordering by (base − rate × creation time) never goes
/// stale; the queue sorts on that and adds the age only for display.
/// </summary>
public static class CasePriority
{
    private const double SeverityStep = 10;
    private const double ReporterWeight = 10;
    private const int MaxCountedReporters = 10;

    /// <param name="reporterScores">Each distinct reporter's accuracy score (0–1) at filing time.</param>
    public static double Base(FlagReason worstReason, IEnumerable<double> reporterScores) =>
        ((int)worstReason + 1) * SeverityStep
        + ReporterWeight * reporterScores.OrderByDescending(s => s).Take(MaxCountedReporters).Sum();

    public static double AtTime(double basePriority, DateTimeOffset createdAt, DateTimeOffset now, double agingPointsPerHour) =>
        basePriority + agingPointsPerHour * Math.Max(0, (now - createdAt).TotalHours);

    /// <summary>A time-independent sort key: higher claims first.</summary>
    public static double Rank(double basePriority, DateTimeOffset createdAt, double agingPointsPerHour) =>
        basePriority - agingPointsPerHour * createdAt.ToUnixTimeMilliseconds() / 3_600_000.0;
}
