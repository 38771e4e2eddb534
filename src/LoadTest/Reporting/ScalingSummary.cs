using System.Text.Json;

namespace OrleansSafety.LoadTest.Reporting;

/// <summary>
/// The scaling curve from the reports of <c>scripts/bench.sh scale</c> (bench-scale-1.json, -2, -3): the chat peak and
/// the grain-ping ceiling by number of silos, as a table on the console and a bar plot (bench-scale.png).
/// </summary>
public static class ScalingSummary
{
    public static string Write(string directory)
    {
        var rows = new List<(int Silos, double Chat, double Ping, double Noop)>();
        foreach (var file in Directory.EnumerateFiles(directory, "bench-scale-*.json"))
        {
            var name = Path.GetFileNameWithoutExtension(file)["bench-scale-".Length..];
            if (!int.TryParse(name, out var silos))
            {
                continue;
            }
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var root = document.RootElement;
            rows.Add((silos, Rate(root.GetProperty("phases"), "chat-peak", "chat"), Ceiling(root, "grainPing", "ping"), Ceiling(root, "httpNoop", "noop")));
        }
        rows.Sort((a, b) => a.Silos.CompareTo(b.Silos));
        if (rows.Count == 0)
        {
            return "no bench-scale-*.json reports found";
        }
        Plots.Bars("chat peak (msg/s) by silos on one 2-core machine", "messages per second",
            rows.Select(r => ($"{r.Silos} silo{(r.Silos > 1 ? "s" : "")}", r.Chat)).ToList(), Path.Combine(directory, "bench-scale.png"));
        return string.Join(Environment.NewLine, rows.Select(r =>
            FormattableString.Invariant($"{r.Silos} silo(s): chat {r.Chat:0}/s, grain ping {r.Ping:0}/s, http no-op {r.Noop:0}/s")));
    }

    private static double Ceiling(JsonElement root, string ceiling, string op) =>
        root.TryGetProperty("ceilings", out var c) && c.ValueKind == JsonValueKind.Object && c.TryGetProperty(ceiling, out var phase) && phase.ValueKind == JsonValueKind.Object
            ? Rate(phase, op)
            : 0;

    private static double Rate(JsonElement phases, string phase, string op)
    {
        foreach (var p in phases.EnumerateArray())
        {
            if (p.GetProperty("name").GetString() == phase)
            {
                return Rate(p, op);
            }
        }
        return 0;
    }

    private static double Rate(JsonElement phase, string op)
    {
        foreach (var o in phase.GetProperty("ops").EnumerateArray())
        {
            if (o.GetProperty("name").GetString() == op)
            {
                return o.GetProperty("perSecond").GetDouble();
            }
        }
        return 0;
    }
}
