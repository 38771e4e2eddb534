using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using OrleansSafety.LoadTest.Targets;

namespace OrleansSafety.LoadTest.Tests;

/// <summary>
/// When chat falls behind a fixed rate, the posts waiting for a connection must not hold up the backend's flags or
/// the agents' claims: those would then be measured as slow while the server never saw them. A stand-in gateway holds
/// every chat post until the test lets them go; the real gateway cannot be made to stall on cue.
/// </summary>
public sealed class HttpTargetPoolTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _releaseChat = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _chatPostsHeld;
    private WebApplication _gateway = null!;
    private Uri _url = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _gateway = builder.Build();
        _gateway.MapPost("/api/v1/rooms/{roomId}/messages", async () =>
        {
            Interlocked.Increment(ref _chatPostsHeld);
            await _releaseChat.Task;
            return Results.Text("""{"seq":1}""", "application/json", statusCode: StatusCodes.Status201Created);
        });
        _gateway.MapPost("/api/v1/flags", () =>
            Results.Text("""{"flagId":"flag-1","status":"open"}""", "application/json", statusCode: StatusCodes.Status202Accepted));
        _gateway.MapPost("/api/v1/agent/login", () => Results.Text("""{"accessToken":"token"}""", "application/json"));
        _gateway.MapPost("/api/v1/agent/claims", () => Results.NoContent());
        await _gateway.StartAsync();
        _url = new Uri(_gateway.Urls.Single()); // the port Kestrel bound
    }

    public async Task DisposeAsync()
    {
        _releaseChat.TrySetResult();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task Flags_and_claims_are_not_queued_behind_chat_posts_waiting_for_a_connection()
    {
        await using var target = new HttpTarget(_url, "key", chatConnections: 16, agentConnections: 1);
        var posts = Enumerable.Range(0, 40).Select(i => target.PostMessageAsync("room-1", $"user-{i}", "hello", CancellationToken.None)).ToList();
        // Every chat connection is taken, and 24 posts wait for one in the tool.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Volatile.Read(ref _chatPostsHeld) < 16)
        {
            await Task.Delay(10, deadline.Token);
        }

        var flagId = await target.FileFlagAsync(new FlagSpec("reporter-1", "profile", "harassment", AccusedUserId: "user-2"), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(30));
        var agent = await target.SignInAsync("agent-1", "password", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var claimed = await agent.ClaimNextCaseAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("flag-1", flagId);
        Assert.Null(claimed);
        Assert.Equal(16, Volatile.Read(ref _chatPostsHeld)); // the chat posts were still held meanwhile
        _releaseChat.SetResult();
        Assert.All(await Task.WhenAll(posts), ack => Assert.Equal(1, ack.Seq));
    }
}
