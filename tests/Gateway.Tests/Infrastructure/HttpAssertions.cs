using System.Text;

namespace OrleansSafety.Gateway.Tests.Infrastructure;

public static class HttpAssertions
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

    /// <summary>Asserts a problem+json answer with this status, and (for validation) that it names the field.</summary>
    public static async Task<JsonNode> ShouldBeProblem(this HttpResponseMessage response, HttpStatusCode expected, string? field = null)
    {
        var body = await response.ShouldBe(expected);
        Assert.NotNull(body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(body["title"]?.GetValue<string>()));
        if (field is not null)
        {
            var errors = body["errors"]?.AsObject();
            Assert.True(errors is not null && errors.ContainsKey(field), $"Expected errors[\"{field}\"] in {body.ToJsonString()}");
        }
        return body;
    }

    public static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string raw) => client.PostAsync(url, Json(raw));

    public static string Str(this JsonNode? node, string name) => node?[name]?.GetValue<string>() ?? throw new InvalidOperationException($"No string '{name}' in {node?.ToJsonString()}");
}
