using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Observability;
using OrleansSafety.Gateway.RateLimiting;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>Flag intake and the reporter's view of their flag (SPEC §3).</summary>
public static class FlagsApi
{
    public static IEndpointRouteBuilder MapFlagsApi(this IEndpointRouteBuilder api)
    {
        var flags = api.MapGroup("/flags")
            .WithTags("Flags")
            .RequireAuthorization(GatewayPolicies.Backend)
            .ValidateRouteIds();

        // Order matters: the body is validated, then the idempotency key, then the reporter's limit is charged,
        // so that neither a malformed flag nor a refused one costs the reporter a permit or reaches a grain (a refused
        // retry of an already recorded flag is let through: it is answered with that flag).
        flags.MapPost("/", FileFlag)
            .WithName("FileFlag")
            .WithSummary("Flag an item. Chat flags freeze the room's chat around the message as evidence.")
            .WithDescription("Reporters may file at most 30 flags per 10 minutes (configurable); past that the answer is 429 with Retry-After and nothing is recorded, "
                + "except for a retry (same Idempotency-Key) of a flag already recorded, which is answered with that flag.")
            .ValidateBody<FlagRequest>()
            .ValidateIdempotencyKey()
            .RequireReporterRateLimit()
            .ProducesProblems(401, 404);

        flags.MapGet("/{flagId}", GetFlagStatus)
            .WithName("GetFlagStatus")
            .WithSummary("The flag's status, for its reporter only; anyone else gets 404.")
            .ProducesProblems(401, 404);

        return api;
    }

    public static async Task<Accepted<FlagAcceptedResponse>> FileFlag(
        FlagRequest request,
        [FromHeader(Name = Idempotency.HeaderName), Description(Idempotency.Description)] string? idempotencyKey,
        ClaimsPrincipal caller,
        IGrainFactory grains,
        GatewayMetrics metrics)
    {
        var flagId = idempotencyKey is null ? null : Idempotency.FlagId(caller.CallerId(), request.ReporterId!, idempotencyKey);
        var receipt = await grains.Get<IFlagDeskGrain>(0).FileAsync(request.ToSubmission(flagId));
        metrics.FlagAccepted();
        return TypedResults.Accepted(
            $"/api/v1/flags/{receipt.FlagId}?reporterId={Uri.EscapeDataString(request.ReporterId!)}",
            new FlagAcceptedResponse(receipt.FlagId, receipt.Status));
    }

    public static async Task<Results<Ok<FlagStatusResponse>, ValidationProblem>> GetFlagStatus(
        string flagId,
        [Description("The reporter who filed the flag.")] string? reporterId,
        IGrainFactory grains)
    {
        var errors = new RequestErrors();
        if (!errors.RequireId("reporterId", reporterId))
        {
            return errors.ToProblem();
        }
        var receipt = await grains.Get<IFlagDeskGrain>(0).GetStatusAsync(flagId, reporterId!);
        return TypedResults.Ok(FlagStatusResponse.From(receipt));
    }
}
