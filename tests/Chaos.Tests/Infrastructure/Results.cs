using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OrleansSafety.Chaos.Tests.Load;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>One row of the measured table (docs/RELIABILITY.md).</summary>
public sealed record FaultRow(string Fault, string Injection, Outage Outage, int ItemsLost, string Notes);

/// <summary>The run's measurements: printed by each test, written to RUN_DIR/results.md and to CHAOS_REPORT when set.</summary>
public sealed class Results
{
    private readonly ConcurrentQueue<FaultRow> _rows = new();
    private readonly ConcurrentQueue<string> _notes = new();

    public void Add(FaultRow row) => _rows.Enqueue(row);

    public void Note(string line) => _notes.Enqueue(line);

    public static string Header =>
        "| fault | injected | requests in window | failed tries (retries) | requests retried | no answer at all for | all retries done after | longest request | failures seen | items lost |\n" +
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|";

    public static string Row(FaultRow row) => row.Outage.Requests == 0
        ? string.Create(CultureInfo.InvariantCulture, $"| {row.Fault} | {row.Injection} | no load | – | – | – | – | – | – | {row.ItemsLost} |")
        : string.Create(CultureInfo.InvariantCulture,
            $"| {row.Fault} | {row.Injection} | {row.Outage.Requests} | {row.Outage.FailedTries} | {row.Outage.RequestsRetried} | {Seconds(row.Outage.LongestSilenceSeconds)} | {Seconds(row.Outage.AllRetriesDoneAfterSeconds)} | {Seconds(row.Outage.LongestRequestSeconds)} | {(row.Outage.FailureKinds.Length == 0 ? "none" : row.Outage.FailureKinds)} | {row.ItemsLost} |");

    private static string Seconds(double value) => double.IsNaN(value) ? "–" : value.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    public string Markdown(ChaosSettings settings, ChaosCluster cluster)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### Chaos run {cluster.RunId} ({(settings.Long ? "long" : "short")} form, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {cluster.Binaries?.Configuration} build)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load: {LoadDriver.Describe(settings)}. {cluster.Ledger.Counts()} in the whole run.");
        text.AppendLine();
        text.AppendLine(Header);
        foreach (var row in _rows)
        {
            text.AppendLine(Row(row));
        }
        text.AppendLine();
        foreach (var row in _rows.Where(r => r.Notes.Length > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {row.Fault}: {row.Notes}");
        }
        foreach (var note in _notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {note}");
        }
        return text.ToString();
    }

    public void WriteReport(ChaosSettings settings, ChaosCluster cluster)
    {
        if (_rows.IsEmpty && _notes.IsEmpty)
        {
            return;
        }
        var markdown = Markdown(settings, cluster);
        File.WriteAllText(Path.Combine(cluster.RunDir, "results.md"), markdown);
        if (settings.ReportPath is { } path)
        {
            File.AppendAllText(path, markdown + Environment.NewLine);
        }
        cluster.Log("measured table:\n" + markdown);
    }
}
