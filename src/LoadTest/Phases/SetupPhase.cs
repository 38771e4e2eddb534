using System.Diagnostics;
using OrleansSafety.LoadTest.Driving;
using OrleansSafety.LoadTest.Metrics;
using OrleansSafety.LoadTest.Scenario;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Phases;

/// <summary>Creates the rooms (owner and one moderator each), fills their history, and creates and signs in the agents.</summary>
public static class SetupPhase
{
    public static async Task ConfigureRoomsAsync(RunContext run, Population people, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var metrics = new PhaseMetrics("setup");
        var stats = metrics.Op("configure-room");
        await LoadDriver.RunCountAsync(people.Rooms, Math.Min(run.Options.Concurrency, 64), metrics, stats, async (i, token) =>
        {
            var room = (int)i;
            await run.Target.ConfigureRoomAsync(people.Room(room), people.Owner(room), [people.Moderator(room)], token);
        }, ct);
        Require(stats, "configure rooms");
        await run.Output.WriteLineAsync($"[setup] {people.Rooms} rooms ({people.RoomTag}) ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    public static async Task PreloadHistoryAsync(RunContext run, Population people, int perRoom, CancellationToken ct)
    {
        if (perRoom <= 0)
        {
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var metrics = new PhaseMetrics("preload");
        var stats = metrics.Op("preload");
        var chat = new ChatWorkload(run.Target, people, run.Ledger, run.Options.Seed, RunContext.PreloadStream);
        await LoadDriver.RunCountAsync((long)people.Rooms * perRoom, run.Options.Concurrency, metrics, stats, chat.Preload, ct);
        Require(stats, "preload history");
        await run.Output.WriteLineAsync(
            $"[setup] {perRoom} messages in each of {people.Rooms} rooms in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s");
    }

    public static async Task SignInAgentsAsync(RunContext run, CancellationToken ct)
    {
        var o = run.Options;
        var people = run.People;
        run.VerifierAgent = await CreateAsync(run, people.Verifier, "agent", ct);
        for (var i = 0; i < o.Agents; i++)
        {
            run.Agents.Add(await CreateAsync(run, people.Agent(i), "agent", ct));
        }
        for (var i = 0; i < o.Seniors; i++)
        {
            run.Seniors.Add(await CreateAsync(run, people.Senior(i), "senior", ct));
        }
        await run.Output.WriteLineAsync($"[setup] {o.Agents} agents, {o.Seniors} seniors and a verifier signed in");
    }

    public static async Task<IAgentSession> CreateAsync(RunContext run, string agentId, string role, CancellationToken ct)
    {
        var password = Population.PasswordOf(agentId);
        await run.Target.CreateAgentAsync(agentId, password, role, ct);
        return await run.Target.SignInAsync(agentId, password, ct);
    }

    /// <summary>Set-up must succeed entirely: measuring on a half-built population would mislead.</summary>
    private static void Require(OpStats stats, string what)
    {
        if (stats.ErrorCount > 0 || stats.RefusedCount > 0)
        {
            var kinds = string.Join(", ", stats.Errors.Concat(stats.Refused).Select(e => $"{e.Key} × {e.Value}"));
            throw new InvalidOperationException($"Could not {what}: {kinds}.");
        }
    }
}
