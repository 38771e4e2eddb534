namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>
/// The product's retry contract, as a game backend must implement it: on no answer, 408, 429 or 5xx, send the SAME
/// request (same Idempotency-Key) again until a definite answer comes. It waits min(Retry-After, 1 s), else backs off
/// exponentially from 50 ms to 1 s. Every try is recorded for the outage figures.
/// </summary>
public sealed class Retrier(Http http, Ledger ledger)
{
    /// <summary>A request that has no definite answer after this long fails the test.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(150);

    public Http Http => http;

    public async Task<ApiResult> SendAsync(string operation, ApiRequest request, string? roomId = null)
    {
        var start = RunClock.Now;
        var attempts = new List<Attempt>();
        var backoff = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            var attemptStart = RunClock.Now;
            var result = await http.SendAsync(request);
            var end = RunClock.Now;
            attempts.Add(new Attempt(attemptStart, end, result.Outcome, !result.IsRetryable));
            if (!result.IsRetryable)
            {
                ledger.Requests.Enqueue(new RequestRecord(operation, roomId, start, end, attempts, result.Outcome));
                return result;
            }
            if (end - start > GiveUpAfter)
            {
                ledger.Requests.Enqueue(new RequestRecord(operation, roomId, start, end, attempts, result.Outcome));
                throw new TimeoutException($"{operation} {request.Method} {request.Path}: no definite answer after {attempts.Count} tries "
                    + $"in {(end - start).TotalSeconds:0} s; last: {result}");
            }
            var wait = result.RetryAfter is { } retryAfter && retryAfter < TimeSpan.FromSeconds(1) ? retryAfter
                : result.RetryAfter is not null ? TimeSpan.FromSeconds(1)
                : backoff;
            await Task.Delay(wait);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
        }
    }
}
