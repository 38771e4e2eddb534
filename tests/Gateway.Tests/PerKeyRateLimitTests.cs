using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

/// <summary>A gateway whose per-API-key token bucket is tiny, so one test can drain it.</summary>
public sealed class TinyBucketGatewayFactory : GatewayFactory
{
    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings =>
    [
        new("Gateway:RateLimits:PerKeyBurst", "5"),
        new("Gateway:RateLimits:PerKeyPerSecond", "1"),
    ];
}

[CollectionDefinition(Name)]
public sealed class TinyBucketCollection : ICollectionFixture<TinyBucketGatewayFactory>
{
    public const string Name = "tiny-bucket";
}

[Collection(TinyBucketCollection.Name)]
public sealed class PerKeyRateLimitTests(TinyBucketGatewayFactory factory)
{
    [Fact]
    public async Task One_api_key_running_dry_does_not_starve_another()
    {
        using var greedy = factory.Backend();
        using var polite = factory.Backend(factory.OtherBackendKey);
        var userId = Ids.New("user");

        HttpResponseMessage? last = null;
        for (var i = 0; i < 20 && last?.StatusCode != HttpStatusCode.TooManyRequests; i++)
        {
            last = await greedy.GetAsync($"/api/v1/users/{userId}/standing");
        }
        var problem = await last!.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.EndsWith("rate-limited", problem.Str("type"), StringComparison.Ordinal);
        Assert.NotNull(last!.Headers.RetryAfter?.Delta);

        await polite.GetJsonAsync($"/api/v1/users/{userId}/standing");
        // Operations endpoints are never limited.
        using var anonymous = factory.Anonymous();
        await (await anonymous.GetAsync("/health/live")).ShouldBe(HttpStatusCode.OK);
    }
}
