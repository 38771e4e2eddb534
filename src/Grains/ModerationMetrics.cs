using System.Diagnostics.Metrics;

namespace OrleansSafety.Grains;

/// <summary>What the grains count, on the meter "OrleansSafety.Grains" that the gateway exports at /metrics.</summary>
public sealed class ModerationMetrics
{
    public const string MeterName = "OrleansSafety.Grains";

    private readonly Counter<long> _leaseLapses;
    private readonly Counter<long> _casesOpened;
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _sanctions;

    public ModerationMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _leaseLapses = meter.CreateCounter<long>("orleanssafety.cases.lease_lapses", description: "Claims whose lease ran out");
        _casesOpened = meter.CreateCounter<long>("orleanssafety.cases.opened", description: "Cases opened");
        _decisions = meter.CreateCounter<long>("orleanssafety.cases.decided", description: "Case decisions by outcome");
        _sanctions = meter.CreateCounter<long>("orleanssafety.sanctions.applied", description: "Sanctions by kind");
    }

    public void LeaseLapsed() => _leaseLapses.Add(1);

    public void CaseOpened() => _casesOpened.Add(1);

    public void CaseDecided(CaseOutcome outcome) => _decisions.Add(1, new KeyValuePair<string, object?>("outcome", WireNames.ToWire(outcome)));

    public void SanctionApplied(SanctionKind kind) => _sanctions.Add(1, new KeyValuePair<string, object?>("kind", WireNames.ToWire(kind)));
}
