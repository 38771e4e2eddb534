using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class OperationsTests(GatewayFactory factory)
{
    [Fact]
    public async Task Health_endpoints_need_no_key()
    {
        using var anonymous = factory.Anonymous();
        await (await anonymous.GetAsync("/health/live")).ShouldBe(HttpStatusCode.OK);
        var ready = await (await anonymous.GetAsync("/health/ready")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("Healthy", ready.Str("status"));
        Assert.NotNull(ready!["checks"]!["orleans-cluster"]);
    }

    [Fact]
    public async Task Metrics_are_exported_in_prometheus_text()
    {
        using var backend = factory.Backend();
        var room = Ids.New("room");
        await backend.ConfigureRoomAsync(room, Ids.New("owner"));
        await backend.PostMessageAsync(room, Ids.New("user"), "count me");
        await backend.FlagProfileAsync(Ids.New("reporter"), Ids.New("owner"));

        using var anonymous = factory.Anonymous();
        // Failed once under a loaded machine without saying which name was missing; an exporter may answer from a
        // scrape it cached a moment earlier, so a counter first incremented just now is given a few scrapes to appear.
        var text = await Eventually.Until(async () =>
        {
            var response = await anonymous.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }, scraped => scraped.Contains("orleanssafety_cases_opened", StringComparison.Ordinal));
        Assert.Contains("osafety_gateway_messages_accepted", text, StringComparison.Ordinal);
        Assert.Contains("osafety_gateway_flags_accepted", text, StringComparison.Ordinal);
        Assert.Contains("osafety_gateway_queue_open", text, StringComparison.Ordinal);
        // The grains' meter (OrleansSafety.Grains) is exported too: the flag above opened a case.
        Assert.Contains("orleanssafety_cases_opened", text, StringComparison.Ordinal);
        // The runtime's own meter: what operators (and the load tool) read GC pauses and allocations from.
        Assert.Contains("dotnet_gc_heap_total_allocated_bytes_total", text, StringComparison.Ordinal);
        Assert.Contains("dotnet_gc_pause_time_seconds_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_and_its_ui_are_served_offline()
    {
        using var anonymous = factory.Anonymous();
        var document = await anonymous.GetJsonAsync("/openapi/v1.json");
        var paths = document["paths"]!.AsObject();
        foreach (var path in new[] { "/api/v1/rooms/{roomId}", "/api/v1/flags", "/api/v1/agent/login", "/api/v1/cases/{caseId}/decision", "/api/v1/reports/transparency" })
        {
            Assert.True(paths.ContainsKey(path), $"missing {path}");
        }
        Assert.NotNull(document["components"]!["securitySchemes"]!["ApiKey"]);
        var reasons = document["components"]!["schemas"]!["FlagReason"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>());
        Assert.Contains("sexual_content", reasons);
        var postFlag = paths["/api/v1/flags"]!["post"]!;
        Assert.Contains(postFlag["parameters"]!.AsArray(), p => p.Str("name") == "Idempotency-Key");

        var ui = await anonymous.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        var html = await ui.Content.ReadAsStringAsync();
        Assert.DoesNotContain("fonts.googleapis", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_root_serves_the_dashboard_page()
    {
        using var anonymous = factory.Anonymous();
        var response = await anonymous.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unknown_routes_are_problem_404()
    {
        using var backend = factory.Backend();
        await (await backend.GetAsync("/api/v1/nothing-here")).ShouldBeProblem(HttpStatusCode.NotFound);
    }
}

/// <summary>Outside Development the gateway refuses to start without a proper signing key.</summary>
public sealed class StartupTests
{
    [Fact]
    public void Production_without_a_signing_key_fails_at_startup()
    {
        using var factory = new ProductionFactory();
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("SigningKey", error.ToString(), StringComparison.Ordinal);
    }

    private sealed class ProductionFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("Orleans:Dashboard", "false");
            builder.UseSetting("Orleans:ClusterId", "startup-" + Guid.NewGuid().ToString("N"));
            builder.UseSetting("Orleans:SiloPort", GatewayFactory.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Orleans:GatewayPort", GatewayFactory.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Gateway:Auth:SigningKey", "too-short");
        }
    }
}
