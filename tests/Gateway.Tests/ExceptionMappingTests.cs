using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>What the global exception handler answers for each kind of failure (no request can produce a 500 by input).</summary>
[Collection(GatewayCollection.Name)]
public sealed class ExceptionMappingTests(GatewayFactory factory)
{
    public static TheoryData<Exception, int, string> Failures() => new()
    {
        { ModerationException.Invalid("target.roomId", "no such room"), 400, "validation" },
        { ModerationException.NotFound("no such case"), 404, "not-found" },
        { ModerationException.Forbidden("not the owner"), 403, "forbidden" },
        { ModerationException.Conflict("claimed by someone else"), 409, "conflict" },
        { new SiloUnavailableException(), 503, "unavailable" },
        { new TimeoutException("response timed out"), 503, "unavailable" },
        { new GatewayTooBusyException(), 503, "unavailable" },
        // A silo failed with a database exception: while activating a grain (the storage read), or one it could not send.
        { new OrleansException("Error from storage provider during ReadStateAsync", new Npgsql.NpgsqlException("Failed to connect")), 503, "unavailable" },
        { new Orleans.Serialization.CodecNotFoundException("Could not find a codec for type Npgsql.PostgresException."), 503, "unavailable" },
        { new BadHttpRequestException("too big", 413), 413, "payload-too-large" },
        { new System.Text.Json.JsonException("bad", "$.reason", 1, 2), 400, "validation" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Each_failure_has_its_status_and_problem_type(Exception exception, int status, string slug)
    {
        var handler = factory.Services.GetServices<IExceptionHandler>().Single();
        var context = new DefaultHttpContext { RequestServices = factory.Services };
        context.Response.Body = new MemoryStream();

        Assert.True(await handler.TryHandleAsync(context, exception, CancellationToken.None));

        Assert.Equal(status, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = JsonNode.Parse(context.Response.Body)!;
        Assert.EndsWith(slug, body.Str("type"), StringComparison.Ordinal);
        Assert.Equal(status == 503, context.Response.Headers.RetryAfter.Count == 1);
        if (exception is ModerationException { Error: ModerationError.Invalid } invalid)
        {
            Assert.NotNull(body["errors"]![invalid.Field!]);
        }
        if (exception is System.Text.Json.JsonException)
        {
            Assert.NotNull(body["errors"]!["reason"]);
        }
    }
}
