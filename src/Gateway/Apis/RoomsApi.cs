using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OrleansSafety.Gateway.Apis.Models;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Errors;
using OrleansSafety.Gateway.Observability;
using OrleansSafety.Gateway.Validation;

namespace OrleansSafety.Gateway.Apis;

/// <summary>Rooms, their moderators, chat and boots: the game backend's side (SPEC §3).</summary>
public static class RoomsApi
{
    public const int DefaultMessageLimit = 50;
    public const int MaxMessageLimit = 200;

    public static IEndpointRouteBuilder MapRoomsApi(this IEndpointRouteBuilder api)
    {
        var rooms = api.MapGroup("/rooms")
            .WithTags("Rooms")
            .RequireAuthorization(GatewayPolicies.Backend)
            .ValidateRouteIds();

        rooms.MapPut("/{roomId}", ConfigureRoom)
            .WithName("ConfigureRoom")
            .WithSummary("Create or reconfigure a room: its owner, moderators and name.")
            .ValidateBody<ConfigureRoomRequest>()
            .ProducesProblems(401, 403);

        rooms.MapPost("/{roomId}/moderators", AddModerator)
            .WithName("AddModerator")
            .WithSummary("Make a user a moderator of the room; the actor must be the owner.")
            .ValidateBody<ModeratorRequest>()
            .ProducesProblems(401, 403, 404);

        rooms.MapDelete("/{roomId}/moderators/{userId}", RemoveModerator)
            .WithName("RemoveModerator")
            .WithSummary("Remove a moderator; the actor must be the owner.")
            .ProducesProblems(401, 403, 404);

        rooms.MapPost("/{roomId}/messages", PostMessage)
            .WithName("PostMessage")
            .WithSummary("Post a chat message. Refused with 403 user-muted, user-suspended, user-banned or user-booted.")
            .ValidateBody<PostMessageRequest>()
            .ValidateIdempotencyKey()
            .ProducesProblems(401, 404);

        rooms.MapGet("/{roomId}/messages", GetMessages)
            .WithName("GetMessages")
            .WithSummary("Read the room's chat, newest page first (oldest first within the page).")
            .ProducesProblems(401, 404);

        rooms.MapPost("/{roomId}/boots", BootUser)
            .WithName("BootUser")
            .WithSummary("Boot a user from the room for 1–10080 minutes (default 60); the actor must be owner or moderator.")
            .ValidateBody<BootUserRequest>()
            .ProducesProblems(401, 403, 404);

        rooms.MapDelete("/{roomId}/boots/{userId}", Unboot)
            .WithName("UnbootUser")
            .WithSummary("Lift a boot; the actor must be the owner.")
            .ProducesProblems(401, 403, 404);

        return api;
    }

    public static async Task<Ok<RoomResponse>> ConfigureRoom(string roomId, ConfigureRoomRequest request, IGrainFactory grains) =>
        TypedResults.Ok(RoomResponse.From(await grains.Get<IRoomGrain>(roomId).ConfigureAsync(request.ToSettings())));

    public static async Task<NoContent> AddModerator(string roomId, ModeratorRequest request, IGrainFactory grains)
    {
        await grains.Get<IRoomGrain>(roomId).AddModeratorAsync(request.ActorId!, request.UserId!);
        return TypedResults.NoContent();
    }

    public static async Task<Results<NoContent, ValidationProblem>> RemoveModerator(
        string roomId,
        string userId,
        [Description("The room owner doing this.")] string? actorId,
        IGrainFactory grains)
    {
        var errors = new RequestErrors();
        if (!errors.RequireId("actorId", actorId))
        {
            return errors.ToProblem();
        }
        await grains.Get<IRoomGrain>(roomId).RemoveModeratorAsync(actorId!, userId);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<MessagePostedResponse>, ProblemHttpResult>> PostMessage(
        string roomId,
        PostMessageRequest request,
        [FromHeader(Name = Idempotency.HeaderName), Description(Idempotency.Description)] string? idempotencyKey,
        ClaimsPrincipal caller,
        IGrainFactory grains,
        GatewayMetrics metrics)
    {
        var userId = request.UserId!;
        var clientMessageId = idempotencyKey is null ? null : Idempotency.ClientMessageId(caller.CallerId(), userId, idempotencyKey);
        var result = await grains.Get<IRoomGrain>(roomId).PostAsync(new ChatPost(userId, request.Text!, clientMessageId));
        if (result.RefusedBecause is { } refusal)
        {
            metrics.MessageRefused(refusal);
            return Problems.ChatRefused(userId, refusal, result.RefusedUntil);
        }
        metrics.MessageAccepted();
        return TypedResults.Created(
            $"/api/v1/rooms/{roomId}/messages?before={result.Seq + 1}&limit=1",
            new MessagePostedResponse(roomId, result.Seq, result.SentAt));
    }

    public static async Task<Results<Ok<MessagesResponse>, ValidationProblem>> GetMessages(
        string roomId,
        [Description("Only messages with a lower seq (paging backwards).")] string? before,
        [Description("1–200, default 50.")] string? limit,
        IGrainFactory grains)
    {
        var errors = new RequestErrors();
        var beforeSeq = errors.QueryNumber("before", before, 1, long.MaxValue);
        var count = (int)errors.QueryNumber("limit", limit, 1, MaxMessageLimit, DefaultMessageLimit)!.Value;
        if (errors.Any)
        {
            return errors.ToProblem();
        }
        var messages = await grains.Get<IRoomGrain>(roomId).GetMessagesAsync(beforeSeq, count);
        return TypedResults.Ok(new MessagesResponse(messages.Select(MessageResponse.From).ToList()));
    }

    public static async Task<Created<BootedResponse>> BootUser(string roomId, BootUserRequest request, IGrainFactory grains)
    {
        var boot = await grains.Get<IRoomGrain>(roomId).BootAsync(request.ToContract());
        return TypedResults.Created((string?)null, new BootedResponse(boot.BootId, boot.Until));
    }

    public static async Task<Results<NoContent, ValidationProblem>> Unboot(
        string roomId,
        string userId,
        [Description("The room owner doing this.")] string? actorId,
        IGrainFactory grains)
    {
        var errors = new RequestErrors();
        if (!errors.RequireId("actorId", actorId))
        {
            return errors.ToProblem();
        }
        await grains.Get<IRoomGrain>(roomId).UnbootAsync(actorId!, userId);
        return TypedResults.NoContent();
    }
}
