using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Hosting;
using OrleansSafety.Gateway.RateLimiting;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>Agent accounts: login (bearer token and dashboard cookie), logout, and account management.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder api)
    {
        var session = api.MapGroup("/agent").WithTags("Agent session");

        session.MapPost("/login", Login)
            .WithName("AgentLogin")
            .WithSummary("Exchange an agent id and password for a bearer token; also sets the dashboard's HttpOnly cookie.")
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitingSetup.LoginPolicy)
            .ValidateBody<LoginRequest>()
            .ProducesProblems(429);

        session.MapPost("/logout", Logout)
            .WithName("AgentLogout")
            .WithSummary("Clear the dashboard cookie. Bearer tokens simply expire.")
            .AllowAnonymous();

        session.MapGet("/me", Me)
            .WithName("AgentMe")
            .WithSummary("The calling agent: roles and what they hold.")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ProducesProblems(401, 403);

        var agents = api.MapGroup("/agents").WithTags("Agent accounts").ValidateRouteIds();

        agents.MapPost("/", CreateAgent)
            .WithName("CreateAgent")
            .WithSummary("Create an agent (admin token or game-backend key). Roles: agent, senior, admin; senior implies agent, admin implies all.")
            .RequireAuthorization(GatewayPolicies.AdminOrBackend)
            .ValidateBody<CreateAgentRequest>()
            .ProducesProblems(401, 403, 409);

        agents.MapGet("/", ListAgents)
            .WithName("ListAgents")
            .WithSummary("Admins: every agent with roles, status and what they hold.")
            .RequireAuthorization(GatewayPolicies.Admin)
            .ProducesProblems(401, 403);

        agents.MapPatch("/{agentId}", UpdateAgent)
            .WithName("UpdateAgent")
            .WithSummary("Admins: change an agent's roles or password, or disable them (a disabled agent cannot log in).")
            .RequireAuthorization(GatewayPolicies.Admin)
            .ValidateBody<UpdateAgentRequest>()
            .ProducesProblems(401, 403, 404);

        return api;
    }

    public static async Task<Results<Ok<LoginResponse>, ProblemHttpResult>> Login(
        LoginRequest request,
        IGrainFactory grains,
        AgentPasswords passwords,
        AgentTokens tokens,
        IOptions<GatewayOptions> options,
        HttpContext http)
    {
        var agent = grains.Get<IAgentGrain>(request.AgentId!);
        var credentials = await agent.GetCredentialsAsync();
        if (!passwords.Verify(credentials, request.Password!, out var rehash))
        {
            // One answer for unknown, disabled and wrong password, so the endpoint does not reveal which ids exist.
            return Problems.Unauthorized("Unknown agent, wrong password, or disabled agent.");
        }
        if (rehash is not null)
        {
            await agent.UpdateAsync(null, null, rehash, credentials!.AgentId);
        }
        var token = tokens.Issue(credentials!.AgentId, credentials.Roles);
        http.Response.Cookies.Append(options.Value.Auth.CookieName, token.AccessToken, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = "/",
            Expires = token.ExpiresAt,
            IsEssential = true,
        });
        return TypedResults.Ok(new LoginResponse(token.AccessToken, token.ExpiresInSeconds, "Bearer"));
    }

    public static NoContent Logout(IOptions<GatewayOptions> options, HttpContext http)
    {
        http.Response.Cookies.Delete(options.Value.Auth.CookieName, new CookieOptions { Path = "/", SameSite = SameSiteMode.Strict, HttpOnly = true });
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<AgentResponse>, NotFound>> Me(ClaimsPrincipal caller, IGrainFactory grains)
    {
        var profile = await grains.Get<IAgentGrain>(caller.CallerId()).GetProfileAsync();
        return profile is null ? TypedResults.NotFound() : TypedResults.Ok(AgentResponse.From(profile));
    }

    public static async Task<Ok<AgentListResponse>> ListAgents(IGrainFactory grains)
    {
        var ids = await grains.Get<IAgentDirectoryGrain>(GrainKeys.AgentDirectory).ListAsync();
        var profiles = await Task.WhenAll(ids.Select(id => grains.Get<IAgentGrain>(id).GetProfileAsync()));
        return TypedResults.Ok(new AgentListResponse(profiles.OfType<AgentProfile>().Select(AgentResponse.From).ToList()));
    }

    public static async Task<Created<AgentResponse>> CreateAgent(
        CreateAgentRequest request,
        ClaimsPrincipal caller,
        IGrainFactory grains,
        AgentPasswords passwords)
    {
        var registration = new AgentRegistration(AgentRequestRules.ToRoles(request.Roles!), passwords.Hash(request.Password!), CreatedBy(caller));
        var profile = await grains.Get<IAgentGrain>(request.AgentId!).CreateAsync(registration);
        return TypedResults.Created($"/api/v1/agents/{profile.AgentId}", AgentResponse.From(profile));
    }

    public static async Task<Ok<AgentResponse>> UpdateAgent(
        string agentId,
        UpdateAgentRequest request,
        ClaimsPrincipal caller,
        IGrainFactory grains,
        AgentPasswords passwords)
    {
        var roles = request.Roles is null ? (AgentRoles?)null : AgentRequestRules.ToRoles(request.Roles);
        var hash = request.Password is null ? null : passwords.Hash(request.Password);
        var profile = await grains.Get<IAgentGrain>(agentId).UpdateAsync(roles, request.Disabled, hash, caller.CallerId());
        return TypedResults.Ok(AgentResponse.From(profile));
    }

    /// <summary>Who created an agent, for the audit: the admin's id, or "backend:" and the API key's name.</summary>
    private static string CreatedBy(ClaimsPrincipal caller) =>
        caller.IsInRole(RoleNames.Backend) ? $"backend:{caller.CallerId()}" : caller.CallerId();
}
