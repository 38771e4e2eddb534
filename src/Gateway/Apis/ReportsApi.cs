using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>The audit log and the transparency report.</summary>
public static class ReportsApi
{
    public const int DefaultAuditLimit = 100;
    public const int MaxAuditLimit = 500;

    /// <summary>Default and longest transparency period.</summary>
    public static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(30);
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/audit", GetAudit)
            .WithTags("Reports")
            .WithName("GetAudit")
            .WithSummary("Audit entries, newest first. Admins may list anything; other agents must filter by caseId or userId, or by their own agentId.")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ProducesProblems(401, 403);

        api.MapGet("/reports/transparency", GetTransparency)
            .WithTags("Reports")
            .WithName("GetTransparencyReport")
            .WithSummary("Counts by reason, outcome and sanction; median time to decision; appeals and overturn rate.")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ProducesProblems(401, 403);

        return api;
    }

    public static async Task<Results<Ok<AuditResponse>, ValidationProblem, ProblemHttpResult>> GetAudit(
        string? caseId,
        string? userId,
        string? agentId,
        [Description("1–500, default 100.")] string? limit,
        ClaimsPrincipal caller,
        IGrainFactory grains)
    {
        var errors = new RequestErrors();
        errors.OptionalId("caseId", caseId);
        errors.OptionalId("userId", userId);
        errors.OptionalId("agentId", agentId);
        var count = (int)errors.QueryNumber("limit", limit, 1, MaxAuditLimit, DefaultAuditLimit)!.Value;
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        if (!caller.IsInRole(RoleNames.Admin))
        {
            if (agentId is not null && agentId != caller.CallerId())
            {
                return Problems.Forbidden("Only admins may list another agent's actions (agentId).");
            }
            if (caseId is null && userId is null && agentId is null)
            {
                return Problems.Forbidden("Only admins may list the whole audit log; filter by caseId, userId or your own agentId.");
            }
        }
        var entries = await grains.Get<IAuditReaderGrain>(0).QueryAsync(new AuditQuery(caseId, userId, agentId, count));
        return TypedResults.Ok(new AuditResponse(entries.Select(AuditEntryResponse.From).ToList()));
    }

    public static async Task<Results<Ok<TransparencyResponse>, ValidationProblem>> GetTransparency(
        [Description("ISO-8601 start (inclusive); default: 30 days before `to`.")] string? from,
        [Description("ISO-8601 end (exclusive); default: now.")] string? to,
        IGrainFactory grains,
        TimeProvider time)
    {
        var errors = new RequestErrors();
        var end = errors.QueryTime("to", to) ?? time.GetUtcNow();
        var start = errors.QueryTime("from", from) ?? end - DefaultPeriod;
        if (!errors.Any && start >= end)
        {
            errors.Add("from", "Must be before `to`.");
        }
        if (!errors.Any && end - start > MaxPeriod)
        {
            errors.Add("from", "The period may span at most 366 days.");
        }
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        return TypedResults.Ok(TransparencyResponse.FromReport(await grains.Get<IAuditReaderGrain>(0).GetTransparencyAsync(start, end)));
    }
}
