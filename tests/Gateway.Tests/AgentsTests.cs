using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using OrleansSafety.Gateway.Tests.Infrastructure;

namespace OrleansSafety.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class AgentsTests(GatewayFactory factory)
{
    [Fact]
    public async Task The_backend_creates_agents_and_roles_are_expanded()
    {
        using var backend = factory.Backend();
        var agentId = Ids.New("senior");
        var created = await (await backend.PostAsJsonAsync("/api/v1/agents", new { agentId, password = GatewayFactory.PasswordOf(agentId), roles = new[] { "senior" } }))
            .ShouldBe(HttpStatusCode.Created);
        Assert.Equal(agentId, created.Str("agentId"));
        Assert.Equal(["agent", "senior"], created!["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.False(created["disabled"]!.GetValue<bool>());
        Assert.DoesNotContain("password", created.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        await (await backend.PostAsJsonAsync("/api/v1/agents", new { agentId, password = GatewayFactory.PasswordOf(agentId), roles = new[] { "agent" } }))
            .ShouldBeProblem(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task An_admin_creates_agents_and_a_disabled_agent_cannot_log_in()
    {
        using var admin = await factory.AgentAsync("admin", "admin");
        var agentId = Ids.New("agent");
        var password = GatewayFactory.PasswordOf(agentId);
        await (await admin.Http.PostAsJsonAsync("/api/v1/agents", new { agentId, password, roles = new[] { "agent" } })).ShouldBe(HttpStatusCode.Created);
        await factory.LoginAsync(agentId, password);

        var updated = await (await admin.Http.PatchAsJsonAsync($"/api/v1/agents/{agentId}", new { disabled = true })).ShouldBe(HttpStatusCode.OK);
        Assert.True(updated!["disabled"]!.GetValue<bool>());
        using var anonymous = factory.Anonymous();
        await (await anonymous.PostAsJsonAsync("/api/v1/agent/login", new { agentId, password })).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_fails_the_same_way_for_wrong_password_and_unknown_agent()
    {
        var agentId = await factory.CreateAgentAsync("agent", "agent");
        using var anonymous = factory.Anonymous();
        var wrong = await (await anonymous.PostAsJsonAsync("/api/v1/agent/login", new { agentId, password = "not-the-password" })).ShouldBeProblem(HttpStatusCode.Unauthorized);
        var unknown = await (await anonymous.PostAsJsonAsync("/api/v1/agent/login", new { agentId = Ids.New("nobody"), password = "whatever-password" })).ShouldBeProblem(HttpStatusCode.Unauthorized);
        Assert.Equal(wrong.Str("detail"), unknown.Str("detail"));
    }

    [Fact]
    public async Task The_bootstrap_admin_exists_and_has_every_role()
    {
        var token = await factory.LoginAsync(factory.BootstrapAdminId, GatewayFactory.AdminPassword);
        using var client = factory.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await client.GetJsonAsync("/api/v1/agent/me");
        Assert.Equal(factory.BootstrapAdminId, me.Str("agentId"));
        Assert.Equal(["agent", "senior", "admin"], me["roles"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task Login_sets_an_http_only_strict_cookie_and_cookie_requests_need_the_csrf_header()
    {
        var agentId = await factory.CreateAgentAsync("agent", "agent");
        using var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await browser.PostAsJsonAsync("/api/v1/agent/login", new { agentId, password = GatewayFactory.PasswordOf(agentId) });
        var body = await login.ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3600, body!["expiresIn"]!.GetValue<int>());
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        // Safe requests ride on the cookie alone.
        var me = await browser.GetJsonAsync("/api/v1/agent/me");
        Assert.Equal(agentId, me.Str("agentId"));

        // Unsafe ones need the anti-forgery header.
        var forged = await browser.PostAsync("/api/v1/agent/claims", null);
        var problem = await forged.ShouldBeProblem(HttpStatusCode.Forbidden);
        Assert.EndsWith("csrf", problem.Str("type"), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/claims");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        var allowed = await browser.SendAsync(request);
        Assert.True(allowed.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"got {(int)allowed.StatusCode}");
        if (allowed.StatusCode == HttpStatusCode.OK)
        {
            var caseId = (await allowed.ShouldBe(HttpStatusCode.OK)).Str("caseId");
            using var release = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{caseId}/release");
            release.Headers.Add("X-Requested-With", "XMLHttpRequest");
            await (await browser.SendAsync(release)).ShouldBe(HttpStatusCode.NoContent);
        }

        // Logout clears the cookie (like every unsafe cookie request, it carries the header).
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agent/logout");
        logout.Headers.Add("X-Requested-With", "XMLHttpRequest");
        await (await browser.SendAsync(logout)).ShouldBe(HttpStatusCode.NoContent);
        await (await browser.GetAsync("/api/v1/agent/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Tampered_tokens_and_unknown_keys_are_401()
    {
        var agentId = await factory.CreateAgentAsync("agent", "agent");
        var token = await factory.LoginAsync(agentId, GatewayFactory.PasswordOf(agentId));
        using var client = factory.Anonymous();
        // Change the first character of the signature (the last one may only carry padding bits).
        var signature = token.LastIndexOf('.') + 1;
        var tampered = token[..signature] + (token[signature] == 'A' ? 'B' : 'A') + token[(signature + 1)..];
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);
        await (await client.GetAsync("/api/v1/agent/me")).ShouldBeProblem(HttpStatusCode.Unauthorized);

        using var wrongKey = factory.Backend("not-a-real-key-at-all");
        await (await wrongKey.GetAsync($"/api/v1/users/{Ids.New("u")}/standing")).ShouldBeProblem(HttpStatusCode.Unauthorized);
    }
}
