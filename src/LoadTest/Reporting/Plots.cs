using System.Globalization;
using HdrHistogram;
using ScottPlot;

namespace OrleansSafety.LoadTest.Reporting;

/// <summary>
/// PNG plots (ScottPlot): the latency percentile spectrum of each operation of a phase (x: 50 % … 99.99 % on the
/// usual log(1/(1−p)) scale, y: milliseconds on a log scale), and the per-second rate of each operation over time.
/// </summary>
public static class Plots
{
    private static readonly (double Position, string Label)[] PercentileTicks =
        [(Math.Log10(2), "50%"), (1, "90%"), (2, "99%"), (3, "99.9%"), (4, "99.99%")];

    public static void LatencySpectrum(PhaseResult phase, string path)
    {
        var plot = new Plot();
        foreach (var (op, histogram) in phase.Histograms.Where(h => h.Value.TotalCount > 0))
        {
            var xs = new List<double>();
            var ys = new List<double>();
            for (var x = Math.Log10(2); x <= 4.5; x += 0.02)
            {
                var percentile = 100 * (1 - Math.Pow(10, -x));
                if (percentile > 100 * (1 - 1.0 / histogram.TotalCount))
                {
                    break;
                }
                xs.Add(x);
                ys.Add(Math.Log10(Math.Max(histogram.GetValueAtPercentile(percentile), 1) / 1000.0));
            }
            if (xs.Count > 1)
            {
                var line = plot.Add.ScatterLine(xs.ToArray(), ys.ToArray());
                line.LegendText = op;
                line.LineWidth = 2;
            }
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            PercentileTicks.Select(t => t.Position).ToArray(), PercentileTicks.Select(t => t.Label).ToArray());
        LogTicks(plot.Axes.Left, -2, 4, "ms");
        plot.Title($"{phase.Name}: latency by percentile ({phase.Mode})");
        plot.XLabel("percentile");
        plot.YLabel("latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 560);
    }

    public static void Timeline(PhaseResult phase, string path)
    {
        var plot = new Plot();
        var ops = phase.Timeline.SelectMany(p => p.Rates.Keys).Distinct(StringComparer.Ordinal).ToList();
        foreach (var op in ops)
        {
            var points = phase.Timeline.Where(p => p.Rates.GetValueOrDefault(op) > 0).ToList();
            if (points.Count < 2)
            {
                continue;
            }
            var line = plot.Add.ScatterLine(
                points.Select(p => p.Seconds).ToArray(),
                points.Select(p => Math.Log10(p.Rates[op])).ToArray());
            line.LegendText = op;
            line.LineWidth = 2;
        }
        LogTicks(plot.Axes.Left, 0, 6, "/s");
        plot.Title($"{phase.Name}: operations per second");
        plot.XLabel("seconds");
        plot.YLabel("rate (log scale)");
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(path, 1000, 480);
    }

    /// <summary>A bar per label, e.g. the peak chat rate with 1, 2 and 3 silos.</summary>
    public static void Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value)> bars, string path)
    {
        var plot = new Plot();
        var values = bars.Select(b => b.Value).ToArray();
        plot.Add.Bars(values);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, bars.Count).Select(i => (double)i).ToArray(), bars.Select(b => b.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.SavePng(path, 800, 480);
    }

    /// <summary>Ticks at 1, 2 and 5 × each power of ten, for an axis that plots log10 of the value.</summary>
    private static void LogTicks(IAxis axis, int fromPower, int toPower, string unit)
    {
        var values = Enumerable.Range(fromPower, toPower - fromPower + 1)
            .SelectMany(p => new[] { 1.0, 2, 5 }.Select(m => m * Math.Pow(10, p)))
            .ToArray();
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            values.Select(Math.Log10).ToArray(),
            values.Select(v => v.ToString("0.##", CultureInfo.InvariantCulture) + " " + unit).ToArray());
    }
}
