using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Reporting;
using OrleansSafety.LoadTest.Scenario;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>
/// Chat alone, closed loop, at the run's concurrency: the peak rate the full stack takes, and the same measured
/// with other room counts and other history sizes (fresh rooms each time, so nothing is warm from before).
/// </summary>
public static class ChatPhases
{
    public static Task<PhaseResult> PeakAsync(RunContext run, CancellationToken ct) =>
        ClosedLoopChatAsync(run, "chat-peak", run.People, TimeSpan.FromSeconds(run.Options.PeakSeconds), run.MainHistory, ct);

    public static async Task<IReadOnlyList<PhaseResult>> SweepAsync(RunContext run, CancellationToken ct)
    {
        var o = run.Options;
        var results = new List<PhaseResult>();
        var seconds = TimeSpan.FromSeconds(o.SweepSeconds);
        foreach (var (rooms, step) in Steps(o.SweepRooms))
        {
            // The same users whatever the room count (more rooms, fewer members each), every one of them warmed by
            // the history, so the comparison is about rooms and not about first-time user activations.
            var people = new Population(o.RunId, rooms, o.Users, roomTag: $"s{rooms}r{step}");
            var history = Math.Max(o.HistoryPerRoom, people.UsersPerRoom);
            await SetupPhase.ConfigureRoomsAsync(run, people, ct);
            await SetupPhase.PreloadHistoryAsync(run, people, history, ct);
            results.Add(await ClosedLoopChatAsync(run, SweepStepName("rooms", rooms, step), people, seconds, history, ct));
        }
        foreach (var (history, step) in Steps(o.SweepHistory))
        {
            // Members per room no more than the smallest history, so even the short history has warmed every user.
            var members = Math.Max(2, Math.Min(o.SweepHistory.Min(), o.Users / o.Rooms));
            var people = new Population(o.RunId, o.Rooms, o.Rooms * members, roomTag: $"h{history}r{step}");
            await SetupPhase.ConfigureRoomsAsync(run, people, ct);
            await SetupPhase.PreloadHistoryAsync(run, people, history, ct);
            results.Add(await ClosedLoopChatAsync(run, SweepStepName("history", history, step), people, seconds, history, ct));
        }
        return results;
    }

    /// <summary>
    /// A sweep step's phase name: "rooms-100", and "rooms-100#2" when the value comes again (its own fresh rooms).
    /// Repeating values in reverse order (100,10000,10000,100) cancels whatever drifts over the run — tiered JIT
    /// still optimizing, the machine warming up — which otherwise favours whichever value is measured last.
    /// </summary>
    public static string SweepStepName(string sweep, int value, int step) => step == 1 ? $"{sweep}-{value}" : $"{sweep}-{value}#{step}";

    /// <summary>The value a sweep step measured, from its phase name (see <see cref="SweepStepName"/>).</summary>
    public static string SweepValueOf(string phaseName, string prefix) => phaseName[prefix.Length..].Split('#')[0];

    /// <summary>Each value with how many times it has come so far, counting from 1.</summary>
    private static IEnumerable<(int Value, int Step)> Steps(IReadOnlyList<int> values)
    {
        var seen = new Dictionary<int, int>();
        foreach (var value in values)
        {
            seen[value] = seen.GetValueOrDefault(value) + 1;
            yield return (value, seen[value]);
        }
    }

    private static async Task<PhaseResult> ClosedLoopChatAsync(RunContext run, string name, Population people, TimeSpan duration, int history, CancellationToken ct)
    {
        var o = run.Options;
        var warm = new ChatWorkload(run.Target, people, run.Ledger, o.Seed, RunContext.ChatStream + 100);
        await PhaseRunner.WarmUpAsync(run, name, m =>
            LoadDriver.RunClosedLoopAsync(o.Concurrency, TimeSpan.FromSeconds(o.WarmupSeconds), m, m.Op("chat"), warm.Post, ct));
        var chat = new ChatWorkload(run.Target, people, run.Ledger, o.Seed, RunContext.ChatStream);
        return await PhaseRunner.MeasureAsync(run, name, "closed-loop",
            m => LoadDriver.RunClosedLoopAsync(o.Concurrency, duration, m, m.Op("chat"), chat.Post, ct),
            concurrency: o.Concurrency, rooms: people.Rooms, history: history);
    }
}
