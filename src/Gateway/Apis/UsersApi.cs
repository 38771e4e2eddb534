using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>
/// A user's standing, notices and appeals (game backend), and their full history (agents). Nothing here that the
/// backend can show the user contains a reporter's id or comment.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder api)
    {
        var users = api.MapGroup("/users/{userId}")
            .WithTags("Users")
            .RequireAuthorization(GatewayPolicies.Backend)
            .ValidateRouteIds();

        users.MapGet("/standing", GetStanding)
            .WithName("GetStanding")
            .WithSummary("Whether the user may chat and play, their strikes and active sanctions.")
            .ProducesProblems(401);

        users.MapGet("/notices", GetNotices)
            .WithName("GetNotices")
            .WithSummary("Statements of reasons and updates for the user, newest first.")
            .ProducesProblems(401);

        users.MapPost("/appeals", FileAppeal)
            .WithName("FileAppeal")
            .WithSummary("Appeal a sanction (not a warning), once, within 180 days.")
            .ValidateBody<FileAppealRequest>()
            .ProducesProblems(401, 404, 409);

        users.MapGet("/appeals/{appealId}", GetAppeal)
            .WithName("GetAppeal")
            .WithSummary("The appeal's status and, once decided, the response.")
            .ProducesProblems(401, 404);

        var agentView = api.MapGroup("/users/{userId}")
            .WithTags("Users")
            .RequireAuthorization(GatewayPolicies.Agent)
            .ValidateRouteIds();

        agentView.MapGet("/history", GetHistory)
            .WithName("GetUserHistory")
            .WithSummary("Agents: the user's sanctions, cases, boots, appeals and record as a reporter.")
            .ProducesProblems(401, 403);

        return api;
    }

    public static async Task<Ok<StandingResponse>> GetStanding(string userId, IGrainFactory grains) =>
        TypedResults.Ok(StandingResponse.From(await grains.Get<IUserGrain>(userId).GetStandingAsync()));

    public static async Task<Ok<NoticesResponse>> GetNotices(string userId, IGrainFactory grains)
    {
        var notices = await grains.Get<IUserGrain>(userId).GetNoticesAsync();
        return TypedResults.Ok(new NoticesResponse(notices.Select(NoticeResponse.From).ToList()));
    }

    public static async Task<Created<AppealFiledResponse>> FileAppeal(string userId, FileAppealRequest request, IGrainFactory grains)
    {
        var appeal = await grains.Get<IUserGrain>(userId).FileAppealAsync(request.SanctionId!, request.Text!);
        return TypedResults.Created($"/api/v1/users/{userId}/appeals/{appeal.AppealId}", new AppealFiledResponse(appeal.AppealId, appeal.Status));
    }

    public static async Task<Ok<AppealResponse>> GetAppeal(string userId, string appealId, IGrainFactory grains) =>
        TypedResults.Ok(AppealResponse.From(await grains.Get<IUserGrain>(userId).GetAppealAsync(appealId)));

    public static async Task<Ok<UserHistoryResponse>> GetHistory(string userId, IGrainFactory grains) =>
        TypedResults.Ok(UserHistoryResponse.From(await grains.Get<IUserGrain>(userId).GetHistoryAsync()));
}
