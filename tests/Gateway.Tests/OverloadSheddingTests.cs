using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Hosting;
using OrleansSafety.Gateway.RateLimiting;
using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class OverloadSheddingTests(GatewayFactory factory)
{
    [Fact]
    public async Task Beyond_capacity_requests_get_a_fast_503_with_retry_after_and_capacity_returns_when_load_drops()
    {
        var release = new TaskCompletionSource();
        var options = Options.Create(new GatewayOptions { MaxConcurrentRequests = 1, OverloadQueueLimit = 0 });
        using var shedding = new OverloadShedding(async _ => await release.Task, options);
        using var scope = factory.Services.CreateScope();

        var busy = shedding.InvokeAsync(Context(scope, "/api/v1/rooms/a/messages"));
        var refused = Context(scope, "/api/v1/rooms/b/messages");
        await shedding.InvokeAsync(refused);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());

        var probe = Context(scope, "/health/live");
        var probing = shedding.InvokeAsync(probe); // exempt: it reaches the (blocked) pipeline instead of being shed
        Assert.False(probing.IsCompleted);

        release.SetResult();
        await busy;
        await probing;
        var later = Context(scope, "/api/v1/rooms/c/messages");
        await shedding.InvokeAsync(later);
        Assert.Equal(StatusCodes.Status200OK, later.Response.StatusCode);
    }

    private static DefaultHttpContext Context(IServiceScope scope, string path)
    {
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Path = path;
        context.Response.Body = new MemoryStream();
        return context;
    }
}
