using System.Diagnostics.Metrics;

namespace OrleansSafety.Gateway.Observability;

/// <summary>The gateway's own meter: traffic it accepted or refused, agent latencies, and the queue depth gauges.</summary>
public sealed class GatewayMetrics
{
    public const string MeterName = "OrleansSafety.Gateway";

    /// <summary>The meter the grains publish on (lease lapses and the like); exported alongside ours.</summary>
    public const string GrainsMeterName = "OrleansSafety.Grains";

    private readonly Counter<long> _messagesAccepted;
    private readonly Counter<long> _messagesRefused;
    private readonly Counter<long> _flagsAccepted;
    private readonly Counter<long> _flagsRateLimited;
    private readonly Counter<long> _requestsShed;
    private readonly Histogram<double> _claimLatency;
    private readonly Histogram<double> _decisionLatency;

    // Written by the sampler, read by the observable gauges at scrape time.
    private long _queueOpen;
    private long _queueClaimed;
    private double _oldestOpenAgeSeconds;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesAccepted = meter.CreateCounter<long>("osafety.gateway.messages.accepted", "{message}", "Chat messages accepted.");
        _messagesRefused = meter.CreateCounter<long>("osafety.gateway.messages.refused", "{message}", "Chat messages refused, by reason.");
        _flagsAccepted = meter.CreateCounter<long>("osafety.gateway.flags.accepted", "{flag}", "Flags accepted.");
        _flagsRateLimited = meter.CreateCounter<long>("osafety.gateway.flags.rate_limited", "{flag}", "Flags refused by the reporter limit.");
        _requestsShed = meter.CreateCounter<long>("osafety.gateway.requests.shed", "{request}", "Requests refused with 503 because the gateway was at capacity.");
        // Buckets in seconds: the exporter's defaults are meant for milliseconds.
        var latencyBuckets = new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] };
        _claimLatency = meter.CreateHistogram("osafety.gateway.claim.duration", "s", "Time to claim the next case.", advice: latencyBuckets);
        _decisionLatency = meter.CreateHistogram("osafety.gateway.decision.duration", "s", "Time to record a case decision.", advice: latencyBuckets);
        meter.CreateObservableGauge("osafety.gateway.queue.open", () => Volatile.Read(ref _queueOpen), "{case}", "Open cases.");
        meter.CreateObservableGauge("osafety.gateway.queue.claimed", () => Volatile.Read(ref _queueClaimed), "{case}", "Claimed cases.");
        meter.CreateObservableGauge("osafety.gateway.queue.oldest_open_age", () => Volatile.Read(ref _oldestOpenAgeSeconds), "s", "Age of the oldest open case.");
    }

    public void MessageAccepted() => _messagesAccepted.Add(1);

    public void MessageRefused(ChatRefusal reason) =>
        _messagesRefused.Add(1, new KeyValuePair<string, object?>("reason", WireNames.ToWire(reason)));

    public void FlagAccepted() => _flagsAccepted.Add(1);

    public void FlagRateLimited() => _flagsRateLimited.Add(1);

    public void RequestShed() => _requestsShed.Add(1);

    public void ClaimTook(TimeSpan elapsed) => _claimLatency.Record(elapsed.TotalSeconds);

    public void DecisionTook(TimeSpan elapsed) => _decisionLatency.Record(elapsed.TotalSeconds);

    public void QueueSampled(QueueOverview overview)
    {
        Volatile.Write(ref _queueOpen, overview.Open);
        Volatile.Write(ref _queueClaimed, overview.Claimed);
        Volatile.Write(ref _oldestOpenAgeSeconds, overview.OldestOpenAgeSeconds);
    }
}
