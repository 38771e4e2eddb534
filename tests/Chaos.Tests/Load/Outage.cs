using System.Globalization;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>What one fault cost the load, measured from the requests' own tries.</summary>
public sealed record Outage(
    int Requests,
    int FailedTries,
    int RequestsRetried,
    double FirstSuccessAfterSeconds,
    double AllRetriesDoneAfterSeconds,
    double LongestRequestSeconds,
    double LongestSilenceSeconds,
    string FailureKinds)
{
    /// <summary>
    /// Requests that overlap [<paramref name="faultAt"/>, <paramref name="windowEnd"/>]: failed tries in the window, the
    /// requests that needed them, the first success of a try started after the fault, and when the last request that
    /// had failed in the window finally got its answer (the end of the outage for the load).
    /// </summary>
    public static Outage Measure(Ledger ledger, TimeSpan faultAt, TimeSpan windowEnd)
    {
        var records = ledger.Requests.Where(r => r.End >= faultAt && r.Start <= windowEnd).ToList();
        // A failed try belongs to the window in which it failed (its end): a try cut short by the next fault counts there.
        bool InWindow(Attempt a) => !a.Ok && a.End >= faultAt && a.End <= windowEnd;
        var failed = records.SelectMany(r => r.Attempts.Where(InWindow).Select(a => (Attempt: a, r.Operation))).ToList();
        var retried = records.Where(r => r.Attempts.Any(InWindow)).ToList();
        var firstSuccess = records.SelectMany(r => r.Attempts).Where(a => a.Ok && a.Start >= faultAt).Select(a => a.End).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        // The longest stretch in the window in which no request at all got an answer: the outage as the whole load saw it.
        var answers = records.SelectMany(r => r.Attempts).Where(a => a.Ok && a.End >= faultAt && a.End <= windowEnd).Select(a => a.End)
            .Append(faultAt).Append(windowEnd).Order().ToList();
        var silence = answers.Zip(answers.Skip(1), (a, b) => b - a).DefaultIfEmpty(TimeSpan.Zero).Max();
        return new Outage(
            records.Count,
            failed.Count,
            retried.Count,
            firstSuccess == TimeSpan.MaxValue ? double.NaN : (firstSuccess - faultAt).TotalSeconds,
            retried.Count == 0 ? 0 : retried.Max(r => RecoveredAt(r, InWindow) - faultAt).TotalSeconds,
            records.Count == 0 ? 0 : records.Max(r => r.End - r.Start).TotalSeconds,
            silence.TotalSeconds,
            string.Join(", ", failed.GroupBy(f => f.Attempt.Outcome).OrderByDescending(g => g.Count()).Select(g =>
                $"{g.Key} × {g.Count()} ({string.Join(" ", g.GroupBy(f => f.Operation).OrderByDescending(o => o.Count()).Select(o => $"{o.Key} {o.Count()}"))})")));
    }

    /// <summary>When the request stopped failing because of this fault: the end of the try after its last failure in the window.</summary>
    private static TimeSpan RecoveredAt(RequestRecord record, Func<Attempt, bool> inWindow)
    {
        var last = -1;
        for (var i = 0; i < record.Attempts.Count; i++)
        {
            if (inWindow(record.Attempts[i]))
            {
                last = i;
            }
        }
        return last + 1 < record.Attempts.Count ? record.Attempts[last + 1].End : record.End;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests} requests, {FailedTries} failed tries in {RequestsRetried} requests ({FailureKinds}); first success {FirstSuccessAfterSeconds:0.00} s after the fault, no answer at all for {LongestSilenceSeconds:0.00} s, all retries done after {AllRetriesDoneAfterSeconds:0.00} s, longest request {LongestRequestSeconds:0.00} s");
}
