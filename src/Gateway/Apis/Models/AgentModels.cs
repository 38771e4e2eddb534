using System.ComponentModel.DataAnnotations;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis.Models;

public sealed record LoginRequest([property: Required] string? AgentId = null, [property: Required] string? Password = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.RequireId("agentId", AgentId);
        if (string.IsNullOrEmpty(Password))
        {
            errors.Add("password", "Required.");
        }
        else if (Password.Length > AgentPasswords.MaxLength)
        {
            errors.Add("password", $"At most {AgentPasswords.MaxLength} characters.");
        }
    }
}

public sealed record LoginResponse(string AccessToken, int ExpiresIn, string TokenType);

public sealed record CreateAgentRequest(
    [property: Required] string? AgentId = null,
    [property: Required] string? Password = null,
    [property: Required] IReadOnlyList<string?>? Roles = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        errors.RequireId("agentId", AgentId);
        AgentRequestRules.ValidatePassword(errors, Password, required: true);
        AgentRequestRules.ValidateRoles(errors, Roles, required: true);
    }
}

/// <summary>PATCH /agents/{agentId}: any of roles, disabled, password.</summary>
public sealed record UpdateAgentRequest(IReadOnlyList<string?>? Roles = null, bool? Disabled = null, string? Password = null) : IValidatableRequest
{
    public void Validate(RequestErrors errors)
    {
        if (Roles is null && Disabled is null && Password is null)
        {
            errors.Add("body", "Give at least one of roles, disabled, password.");
            return;
        }
        AgentRequestRules.ValidatePassword(errors, Password, required: false);
        AgentRequestRules.ValidateRoles(errors, Roles, required: false);
    }
}

internal static class AgentRequestRules
{
    public static void ValidatePassword(RequestErrors errors, string? password, bool required)
    {
        if (password is null)
        {
            if (required)
            {
                errors.Add("password", "Required.");
            }
            return;
        }
        if (password.Length is < AgentPasswords.MinLength or > AgentPasswords.MaxLength)
        {
            errors.Add("password", $"Must be {AgentPasswords.MinLength}–{AgentPasswords.MaxLength} characters.");
        }
        else if (password.Any(char.IsControl))
        {
            errors.Add("password", "Must not contain control characters.");
        }
    }

    public static void ValidateRoles(RequestErrors errors, IReadOnlyList<string?>? roles, bool required)
    {
        if (roles is null)
        {
            if (required)
            {
                errors.Add("roles", "Required: one or more of agent, senior, admin.");
            }
            return;
        }
        if (roles.Count == 0)
        {
            errors.Add("roles", "Give one or more of agent, senior, admin.");
        }
        for (var i = 0; i < roles.Count; i++)
        {
            if (!RoleNames.TryParse(roles[i], out _))
            {
                errors.Add($"roles[{i}]", "Must be one of: agent, senior, admin.");
            }
        }
    }

    /// <summary>The roles as stored: with the implied ones, so grains can check a single flag.</summary>
    public static AgentRoles ToRoles(IEnumerable<string?> names) =>
        RoleNames.Expand(names.Aggregate(AgentRoles.None, (all, name) => RoleNames.TryParse(name, out var role) ? all | role : all));
}

public sealed record AgentResponse(
    string AgentId,
    IReadOnlyList<string> Roles,
    bool Disabled,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> ClaimedCases,
    IReadOnlyList<string> ClaimedAppeals)
{
    public static AgentResponse From(AgentProfile profile) => new(
        profile.AgentId,
        RoleNames.ToNames(RoleNames.Expand(profile.Roles)),
        profile.Disabled,
        profile.CreatedAt,
        profile.ClaimedCases,
        profile.ClaimedAppeals);
}

public sealed record AgentListResponse(IReadOnlyList<AgentResponse> Agents);
