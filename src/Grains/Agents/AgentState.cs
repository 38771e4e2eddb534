namespace OrleansSafety.Grains.Agents;

[GenerateSerializer, Alias("agent-state")]
public sealed class AgentState
{
    [Id(0)] public AgentRoles Roles { get; set; }

    /// <summary>Made by the gateway's password hasher; the password itself never reaches a grain.</summary>
    [Id(1)] public string? PasswordHash { get; set; }

    [Id(2)] public bool Disabled { get; set; }

    [Id(3)] public DateTimeOffset CreatedAt { get; set; }

    [Id(4)] public string? CreatedBy { get; set; }

    // Id 5 held the agent's claimed cases until they were derived from the queue index instead (AgentGrain).

    [Id(6)] public Dictionary<string, DateTimeOffset> Appeals { get; set; } = new(StringComparer.Ordinal);
}
