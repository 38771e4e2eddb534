using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Observability;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>One case: read it, hold it (renew/release), decide it, and (admins) reveal its reporters.</summary>
public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder api)
    {
        var cases = api.MapGroup("/cases/{caseId}")
            .WithTags("Cases")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ValidateRouteIds();

        cases.MapGet("/", GetCase)
            .WithName("GetCase")
            .WithSummary("The case with its frozen evidence; reporters appear as case-scoped aliases.")
            .ProducesProblems(401, 403, 404);

        cases.MapPost("/renew", RenewLease)
            .WithName("RenewCaseLease")
            .WithSummary("Extend the caller's lease on the case; 409 when the caller does not hold it.")
            .ProducesProblems(401, 403, 404, 409);

        cases.MapPost("/release", Release)
            .WithName("ReleaseCase")
            .WithSummary("Give the case back to the queue; 409 when the caller does not hold it.")
            .ProducesProblems(401, 403, 404, 409);

        cases.MapPost("/decision", Decide)
            .WithName("DecideCase")
            .WithSummary("Decide the case: violation (with an explicit sanction or the default ladder) or no_violation.")
            .ValidateBody<DecideCaseRequest>()
            .ProducesProblems(401, 403, 404, 409);

        cases.MapPost("/reporters/reveal", RevealReporters)
            .WithName("RevealReporters")
            .WithSummary("Admins: the real reporter ids behind the aliases. Audited with the reason given.")
            .RequireAuthorization(GatewayPolicies.Admin)
            .ValidateBody<RevealRequest>()
            .ProducesProblems(401, 403, 404);

        return api;
    }

    public static async Task<Ok<CaseDetailResponse>> GetCase(string caseId, IGrainFactory grains) =>
        TypedResults.Ok(CaseDetailResponse.From(await grains.Get<ICaseGrain>(caseId).GetDetailAsync()));

    public static async Task<Ok<LeaseResponse>> RenewLease(string caseId, ClaimsPrincipal caller, IGrainFactory grains) =>
        TypedResults.Ok(new LeaseResponse(await grains.Get<IAgentGrain>(caller.CallerId()).RenewCaseAsync(caseId)));

    public static async Task<NoContent> Release(string caseId, ClaimsPrincipal caller, IGrainFactory grains)
    {
        await grains.Get<IAgentGrain>(caller.CallerId()).ReleaseCaseAsync(caseId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<DecisionResponse>> Decide(
        string caseId,
        DecideCaseRequest request,
        ClaimsPrincipal caller,
        IGrainFactory grains,
        GatewayMetrics metrics)
    {
        var started = Stopwatch.GetTimestamp();
        var decision = await grains.Get<IAgentGrain>(caller.CallerId()).DecideCaseAsync(caseId, request.ToContract());
        metrics.DecisionTook(Stopwatch.GetElapsedTime(started));
        return TypedResults.Ok(DecisionResponse.From(decision));
    }

    public static async Task<Ok<RevealResponse>> RevealReporters(string caseId, RevealRequest request, ClaimsPrincipal caller, IGrainFactory grains)
    {
        var revealed = await grains.Get<ICaseGrain>(caseId).RevealReportersAsync(caller.CallerId(), request.Why!);
        return TypedResults.Ok(new RevealResponse(caseId, revealed.Select(RevealedReporterResponse.From).ToList()));
    }
}
