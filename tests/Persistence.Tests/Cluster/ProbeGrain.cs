using OrleansSafety.Grains;

namespace OrleansSafety.Persistence.Tests.Cluster;

/// <summary>A grain with persistent state on the "moderation" storage and a reminder, for the cluster tests.</summary>
[Alias("persistence-probe")]
public interface IProbeGrain : IGrainWithStringKey
{
    [Alias("set")]
    Task SetAsync(string value);

    [Alias("get")]
    Task<ProbeState> GetAsync();

    [Alias("remind")]
    Task RegisterReminderAsync(string name);

    [Alias("reminders")]
    Task<List<string>> GetReminderNamesAsync();
}

[GenerateSerializer, Alias("probe-state")]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public int Writes { get; set; }
}

public sealed class ProbeGrain([PersistentState("probe", ModerationSiloExtensions.StorageName)] IPersistentState<ProbeState> state)
    : Grain, IProbeGrain, IRemindable
{
    public async Task SetAsync(string value)
    {
        state.State.Value = value;
        state.State.Writes++;
        await state.WriteStateAsync();
    }

    public Task<ProbeState> GetAsync() => Task.FromResult(state.State);

    // Due in an hour: registered, listed and stored, but never fired during a test.
    public async Task RegisterReminderAsync(string name) =>
        await this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<List<string>> GetReminderNamesAsync() =>
        (await this.GetReminders()).Select(r => r.ReminderName).ToList();

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
