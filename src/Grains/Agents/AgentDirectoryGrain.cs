namespace OrleansSafety.Grains.Agents;

[GenerateSerializer, Alias("agent-directory-state")]
public sealed class AgentDirectoryState
{
    [Id(0)] public SortedSet<string> AgentIds { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>Every agent id, so admins can list agents. Off every hot path: written only when an agent is created.</summary>
public sealed class AgentDirectoryGrain(
    [PersistentState("agent-directory", ModerationSiloExtensions.StorageName)] IPersistentState<AgentDirectoryState> state) : Grain, IAgentDirectoryGrain
{
    public async Task RegisterAsync(string agentId)
    {
        if (state.State.AgentIds.Add(agentId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.AgentIds.ToList());
}
