using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RateLimitTests(GatewayFactory factory)
{
    /// <summary>SPEC §2 with its default: 30 flags per 10 minutes; the 31st is 429 and leaves no trace.</summary>
    [Fact]
    public async Task The_31st_flag_in_the_window_is_429_with_retry_after_and_records_nothing()
    {
        using var backend = factory.Backend();
        var reporterId = Ids.New("eager-reporter");
        await FileFlagsAsync(backend, reporterId, 30);

        var lastOwner = Ids.New("owner");
        var response = await backend.PostAsJsonAsync("/api/v1/flags", new
        {
            reporterId,
            target = new { type = "user_profile", id = "profile-" + lastOwner, ownerId = lastOwner, content = new { text = "x" } },
            reason = "spam",
        });
        var problem = await response.ShouldBeProblem(HttpStatusCode.TooManyRequests);
        Assert.EndsWith("rate-limited", problem.Str("type"), StringComparison.Ordinal);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));

        // No trace: no case, no history, no audit entry about the accused of the refused flag.
        using var admin = await factory.SharedAsync("admin");
        var history = await admin.GetJsonAsync($"/api/v1/users/{lastOwner}/history");
        Assert.Empty(history["cases"]!.AsArray());
        var audit = await admin.GetJsonAsync($"/api/v1/audit?userId={lastOwner}");
        Assert.Empty(audit["entries"]!.AsArray());
        var queue = await admin.GetJsonAsync("/api/v1/agent/queue");
        Assert.DoesNotContain(queue["items"]!.AsArray(), i => i.Str("accusedUserId") == lastOwner);

        // The limit is per reporter: someone else may still flag.
        await backend.FlagProfileAsync(Ids.New("other-reporter"), lastOwner);
    }

    [Fact]
    public async Task Invalid_flags_do_not_use_up_the_reporters_allowance()
    {
        using var backend = factory.Backend();
        var reporterId = Ids.New("careless-reporter");
        for (var i = 0; i < 40; i++)
        {
            var response = await backend.PostAsJsonAsync("/api/v1/flags", new { reporterId, target = new { type = "chat" }, reason = "spam" });
            await response.ShouldBeProblem(HttpStatusCode.BadRequest, "target.roomId");
        }
        await backend.FlagProfileAsync(reporterId, Ids.New("owner"));
    }

    /// <summary>
    /// A reporter at the limit whose last flag was recorded but whose answer got lost may retry it (same
    /// Idempotency-Key) and learn its id; a new flag is still refused.
    /// </summary>
    [Fact]
    public async Task A_retry_of_a_recorded_flag_is_answered_even_at_the_limit()
    {
        using var backend = factory.Backend();
        var reporterId = Ids.New("retrying-reporter");
        await FileFlagsAsync(backend, reporterId, 29);
        var ownerId = Ids.New("owner");
        Task<HttpResponseMessage> FileWithKey(string key) => backend.PostProfileFlagAsync(reporterId, ownerId, key, reason: "spam");

        var thirtieth = (await (await FileWithKey("last-one")).ShouldBe(HttpStatusCode.Accepted)).Str("flagId");

        var retry = await (await FileWithKey("last-one")).ShouldBe(HttpStatusCode.Accepted);
        Assert.Equal(thirtieth, retry.Str("flagId"));
        await (await FileWithKey("another-one")).ShouldBeProblem(HttpStatusCode.TooManyRequests);
    }

    /// <summary>Files <paramref name="count"/> accepted flags from the reporter, each about a different owner.</summary>
    private static async Task FileFlagsAsync(HttpClient backend, string reporterId, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await backend.FlagProfileAsync(reporterId, Ids.New("owner"));
        }
    }
}
