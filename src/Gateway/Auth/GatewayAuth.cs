namespace OrleansSafety.Gateway.Auth;

/// <summary>Names shared by the authentication schemes, the authorization policies and the endpoints.</summary>
public static class GatewayAuth
{
    /// <summary>The default scheme: picks one of the three below from what the request carries.</summary>
    public const string SelectorScheme = "Gateway";

    public const string ApiKeyScheme = "ApiKey";

    public const string BearerScheme = "Bearer";

    /// <summary>The dashboard's HttpOnly cookie holding the same JWT an agent gets from login.</summary>
    public const string CookieScheme = "AgentCookie";

    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// The anti-forgery header: cookie-authenticated unsafe requests must carry it. A cross-site form cannot set a
    /// custom header, and a cross-site script could only with a CORS preflight, which the gateway never grants.
    /// </summary>
    public const string CsrfHeader = "X-Requested-With";

    public const string SubjectClaim = "sub";

    public const string RoleClaim = "role";
}

/// <summary>Authorization policies; each endpoint group names one.</summary>
public static class GatewayPolicies
{
    public const string Backend = "backend";

    public const string Agent = "agent";

    public const string Senior = "senior";

    public const string Admin = "admin";

    public const string AdminOrBackend = "admin-or-backend";
}

/// <summary>Role claim values. Agent tokens carry the expanded roles: senior implies agent, admin implies all.</summary>
public static class RoleNames
{
    public const string Backend = "backend";

    public const string Agent = "agent";

    public const string Senior = "senior";

    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> AgentRoleNames = [Agent, Senior, Admin];

    /// <summary>Adds the implied roles: senior → agent; admin → senior and agent.</summary>
    public static AgentRoles Expand(AgentRoles roles)
    {
        if (roles.HasFlag(AgentRoles.Admin))
        {
            roles |= AgentRoles.Senior;
        }
        if (roles.HasFlag(AgentRoles.Senior))
        {
            roles |= AgentRoles.Agent;
        }
        return roles;
    }

    public static IReadOnlyList<string> ToNames(AgentRoles roles)
    {
        var names = new List<string>(3);
        if (roles.HasFlag(AgentRoles.Agent))
        {
            names.Add(Agent);
        }
        if (roles.HasFlag(AgentRoles.Senior))
        {
            names.Add(Senior);
        }
        if (roles.HasFlag(AgentRoles.Admin))
        {
            names.Add(Admin);
        }
        return names;
    }

    public static bool TryParse(string? name, out AgentRoles role)
    {
        role = name switch
        {
            Agent => AgentRoles.Agent,
            Senior => AgentRoles.Senior,
            Admin => AgentRoles.Admin,
            _ => AgentRoles.None,
        };
        return role != AgentRoles.None;
    }
}
