using Microsoft.AspNetCore.Http.HttpResults;
using OrleansSafety.Gateway.Auth;

namespace OrleansSafety.Gateway.Apis;

/// <summary>
/// The load tool's ceilings (docs/BENCHMARKS.md), mapped only when <c>Gateway:BenchmarkEndpoints</c> is true.
/// Both endpoints go through exactly the pipeline a chat post goes through (API-key authentication, the per-key
/// rate limiter, a JSON body read), so that chat's throughput can be stated as a share of them:
/// <c>noop</c> stops there (the HTTP ceiling); <c>ping</c> adds one trivial grain call (the Orleans ceiling).
/// </summary>
public static class BenchmarkApi
{
    public const string ConfigurationKey = "Gateway:BenchmarkEndpoints";

    public static IEndpointRouteBuilder MapBenchmarkApi(this IEndpointRouteBuilder api, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>(ConfigurationKey))
        {
            return api;
        }
        var bench = api.MapGroup("/bench")
            .RequireAuthorization(GatewayPolicies.Backend)
            .ExcludeFromDescription();
        bench.MapPost("/noop", Noop);
        bench.MapPost("/ping/{key}", Ping);
        return api;
    }

    /// <summary>Reads the body like a chat post would, and answers at once.</summary>
    public static async Task<Ok<BenchPong>> Noop(HttpRequest request)
    {
        await DrainAsync(request);
        return TypedResults.Ok(new BenchPong(0));
    }

    /// <summary>Reads the body, makes one trivial call to the grain <paramref name="key"/>, answers.</summary>
    public static async Task<Ok<BenchPong>> Ping(string key, HttpRequest request, IGrainFactory grains)
    {
        await DrainAsync(request);
        return TypedResults.Ok(new BenchPong(await grains.Get<IBenchmarkGrain>(key).PingAsync(1)));
    }

    private static Task DrainAsync(HttpRequest request) => request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted);

    public sealed record BenchPong(long Value);
}
