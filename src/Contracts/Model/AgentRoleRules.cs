namespace OrleansSafety.Contracts.Model;

/// <summary>Roles are cumulative (SPEC §2): a senior also decides cases, an admin also decides appeals.</summary>
public static class AgentRoleRules
{
    public static bool Grants(AgentRoles held, AgentRoles needed) => needed switch
    {
        AgentRoles.Agent => held != AgentRoles.None,
        AgentRoles.Senior => (held & (AgentRoles.Senior | AgentRoles.Admin)) != 0,
        AgentRoles.Admin => held.HasFlag(AgentRoles.Admin),
        _ => false,
    };
}
