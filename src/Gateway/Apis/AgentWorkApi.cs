using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Observability;

namespace OrleansSafety.Gateway.Apis;

/// <summary>The agent's work: the queue, claiming the next case, and (seniors) claiming the next appeal.</summary>
public static class AgentWorkApi
{
    /// <summary>Case summaries the queue view lists (SPEC §3: top 50).</summary>
    public const int QueueTop = 50;

    public static IEndpointRouteBuilder MapAgentWorkApi(this IEndpointRouteBuilder api)
    {
        var work = api.MapGroup("/agent").WithTags("Agent work");

        work.MapGet("/queue", GetQueue)
            .WithName("GetQueue")
            .WithSummary("Open and claimed counts, the oldest open case's age, and the top 50 cases.")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ProducesProblems(401, 403);

        work.MapPost("/claims", ClaimNextCase)
            .WithName("ClaimNextCase")
            .WithSummary("Claim the best open case (200 with the case) or learn there is none (204). At most 5 held at once.")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ProducesProblems(401, 403, 409);

        work.MapPost("/appeals/claims", ClaimNextAppeal)
            .WithName("ClaimNextAppeal")
            .WithSummary("Seniors: claim the oldest pending appeal about a decision they did not make (204 when none).")
            .RequireAuthorization(GatewayPolicies.Senior)
            .ProducesProblems(401, 403, 409);

        return api;
    }

    public static async Task<Ok<QueueResponse>> GetQueue(IGrainFactory grains) =>
        TypedResults.Ok(QueueResponse.From(await grains.Get<IWorkQueueGrain>(0).GetOverviewAsync(QueueTop)));

    public static async Task<Results<Ok<CaseDetailResponse>, NoContent>> ClaimNextCase(
        ClaimsPrincipal caller,
        IGrainFactory grains,
        GatewayMetrics metrics)
    {
        var started = Stopwatch.GetTimestamp();
        var claimed = await grains.Get<IAgentGrain>(caller.CallerId()).ClaimNextCaseAsync();
        metrics.ClaimTook(Stopwatch.GetElapsedTime(started));
        return claimed is null ? TypedResults.NoContent() : TypedResults.Ok(CaseDetailResponse.From(claimed));
    }

    public static async Task<Results<Ok<AppealDetailResponse>, NoContent>> ClaimNextAppeal(ClaimsPrincipal caller, IGrainFactory grains)
    {
        var claimed = await grains.Get<IAgentGrain>(caller.CallerId()).ClaimNextAppealAsync();
        return claimed is null ? TypedResults.NoContent() : TypedResults.Ok(AppealDetailResponse.From(claimed));
    }
}
