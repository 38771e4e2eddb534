using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>Seniors' answer to an appeal they claimed (claiming is in <see cref="AgentWorkApi"/>).</summary>
public static class AppealsApi
{
    public static IEndpointRouteBuilder MapAppealsApi(this IEndpointRouteBuilder api)
    {
        var appeals = api.MapGroup("/appeals/{appealId}")
            .WithTags("Appeals")
            .RequireAuthorization(GatewayPolicies.Senior)
            .ValidateRouteIds();

        appeals.MapGet("/", GetHeld)
            .WithName("GetHeldAppeal")
            .WithSummary("The appeal the caller holds, with its original case (reporters aliased); 409 if not held.")
            .ProducesProblems(401, 403, 409);

        appeals.MapPost("/release", Release)
            .WithName("ReleaseAppeal")
            .WithSummary("Give a held appeal back to the queue for another senior agent.")
            .ProducesProblems(401, 403, 409);

        appeals.MapPost("/decision", Decide)
            .WithName("DecideAppeal")
            .WithSummary("Uphold or overturn the sanction. Overturned: the sanction ends at once and its strike is removed.")
            .ValidateBody<DecideAppealRequest>()
            .ProducesProblems(401, 403, 404, 409);

        return api;
    }

    public static async Task<Ok<AppealDetailResponse>> GetHeld(string appealId, ClaimsPrincipal caller, IGrainFactory grains) =>
        TypedResults.Ok(AppealDetailResponse.From(await grains.Get<IAgentGrain>(caller.CallerId()).GetHeldAppealAsync(appealId)));

    public static async Task<NoContent> Release(string appealId, ClaimsPrincipal caller, IGrainFactory grains)
    {
        await grains.Get<IAgentGrain>(caller.CallerId()).ReleaseAppealAsync(appealId);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<AppealDetailResponse>> Decide(string appealId, DecideAppealRequest request, ClaimsPrincipal caller, IGrainFactory grains) =>
        TypedResults.Ok(AppealDetailResponse.From(
            await grains.Get<IAgentGrain>(caller.CallerId()).DecideAppealAsync(appealId, request.ToContract())));
}
