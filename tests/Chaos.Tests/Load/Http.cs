using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansSafety.Chaos.Tests.Load;

/// <summary>One request to the gateway: what a game backend or an agent's dashboard would send.</summary>
public sealed record ApiRequest(HttpMethod Method, string Path, object? Body = null, string? IdempotencyKey = null, string? Bearer = null,
    string? ApiKey = null);

/// <summary>
/// An answer, or the lack of one (<see cref="Status"/> 0 with <see cref="Failure"/>: refused connection, reset,
/// timeout). <see cref="Body"/> is the parsed JSON body, or an undefined element.
/// </summary>
public sealed record ApiResult(int Status, JsonElement Body, TimeSpan? RetryAfter, string? Failure)
{
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Worth another try with the same request: no answer, 408, 429, or any 5xx.</summary>
    public bool IsRetryable => Status is 0 or 408 or 429 or >= 500;

    /// <summary>"201", "503", "timeout", "connect" … for the tables.</summary>
    public string Outcome => Status == 0 ? Failure ?? "no-answer" : Status.ToString(CultureInfo.InvariantCulture);

    public string Text(string property) => Body.GetProperty(property).GetString()!;

    /// <summary>The status and the problem's detail, without per-request parts (traceId), so the same failure reads the same twice.</summary>
    public string Brief => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
        ? $"{Outcome} ({detail.GetString()})"
        : Outcome;

    public override string ToString() => $"{Outcome} {(Body.ValueKind == JsonValueKind.Undefined ? "" : Body.GetRawText())}";
}

/// <summary>The HTTP side of the load: one pooled client to one gateway, a timeout per attempt, nothing retried here.</summary>
public sealed class Http : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _client;
    private readonly TimeSpan _attemptTimeout;

    public Http(Uri baseAddress, string apiKey, TimeSpan attemptTimeout)
    {
        BaseAddress = baseAddress;
        ApiKey = apiKey;
        _attemptTimeout = attemptTimeout;
        _client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri BaseAddress { get; }

    public string ApiKey { get; }

    public async Task<ApiResult> SendAsync(ApiRequest request, CancellationToken cancellationToken = default)
    {
        using var message = new HttpRequestMessage(request.Method, request.Path);
        if (request.Bearer is { } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else
        {
            message.Headers.Add("X-Api-Key", request.ApiKey ?? ApiKey);
        }
        if (request.IdempotencyKey is { } key)
        {
            message.Headers.Add("Idempotency-Key", key);
        }
        if (request.Body is { } body)
        {
            message.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_attemptTimeout);
        try
        {
            using var response = await _client.SendAsync(message, timeout.Token);
            var bytes = await response.Content.ReadAsByteArrayAsync(timeout.Token);
            var parsed = default(JsonElement);
            if (bytes.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true)
            {
                parsed = JsonDocument.Parse(bytes).RootElement.Clone();
            }
            return new ApiResult((int)response.StatusCode, parsed, RetryAfterOf(response), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ApiResult(0, default, null, "timeout");
        }
        catch (HttpRequestException e)
        {
            return new ApiResult(0, default, null, e.HttpRequestError switch
            {
                HttpRequestError.ConnectionError when e.InnerException is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } => "refused",
                HttpRequestError.ConnectionError => "connect",
                _ => "reset",
            });
        }
        catch (IOException)
        {
            return new ApiResult(0, default, null, "reset");
        }
    }

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            && response.Headers.RetryAfter?.Delta is { } delta
            ? delta
            : null;

    public void Dispose() => _client.Dispose();
}
