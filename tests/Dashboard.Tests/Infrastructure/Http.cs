using System.Net.Http.Headers;

namespace OrleansSafety.Dashboard.Tests.Infrastructure;

public static class Http
{
    /// <summary>Asserts the status (showing the body on failure) and returns the JSON body, if any.</summary>
    public static async Task<JsonNode?> ShouldBe(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(
            response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public static string Str(this JsonNode? node, string name) =>
        node?[name]?.GetValue<string>() ?? throw new InvalidOperationException($"No string '{name}' in {node?.ToJsonString()}");

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string url) =>
        (await (await client.GetAsync(url)).ShouldBe(HttpStatusCode.OK))!;

    public static async Task<JsonNode> PostJsonAsync(this HttpClient client, string url, object body, HttpStatusCode expected = HttpStatusCode.OK) =>
        (await (await client.PostAsJsonAsync(url, body)).ShouldBe(expected))!;

    /// <summary>An agent's own API client (bearer token), for the steps of a test that are not about the UI.</summary>
    public static async Task<HttpClient> BearerClientAsync(Uri baseUrl, string agentId, string password)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = baseUrl };
        var login = await client.PostJsonAsync("/api/v1/agent/login", new { agentId, password });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Str("accessToken"));
        return client;
    }
}
