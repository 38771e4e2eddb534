namespace OrleansSafety.Gateway.Hosting;

/// <summary>Everything the gateway reads from the configuration section "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string SectionName = "Gateway";

    /// <summary>Game-backend keys. Each has a name so that limits and idempotency are scoped per caller.</summary>
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    public AuthSettings Auth { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    /// <summary>Created at startup when missing; set only in appsettings.Development.json.</summary>
    public BootstrapAdminSettings BootstrapAdmin { get; set; } = new();

    /// <summary>Seeds demo rooms, chat, flags and agents (also switched on by the <c>--demo</c> argument).</summary>
    public bool Demo { get; set; }

    /// <summary>Password of the demo agents; demo agents are skipped when it is not configured.</summary>
    public string? DemoAgentPassword { get; set; }

    /// <summary>Largest request body accepted (SPEC §3: 64 KiB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How often the queue-depth gauges are refreshed from the work queue.</summary>
    public TimeSpan QueueSampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time limit of the readiness probe's grain call.</summary>
    public TimeSpan ReadinessTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Requests in progress at once before the gateway sheds with 503 rather than letting every request time out.</summary>
    public int MaxConcurrentRequests { get; set; } = 4096;

    /// <summary>Requests that may wait for a slot beyond <see cref="MaxConcurrentRequests"/> before shedding starts.</summary>
    public int OverloadQueueLimit { get; set; } = 8192;
}

public sealed class ApiKeyEntry
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

public sealed class AuthSettings
{
    /// <summary>HMAC-SHA256 key for agent tokens: at least 32 bytes. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "orleans-safety-gateway";

    public string Audience { get; set; } = "orleans-safety-agents";

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The HttpOnly cookie the dashboard authenticates with.</summary>
    public string CookieName { get; set; } = "osafety_session";
}

public sealed class RateLimitSettings
{
    /// <summary>SPEC §2: a reporter may file at most 30 flags per 10 minutes.</summary>
    public int FlagsPerReporter { get; set; } = 30;

    public TimeSpan FlagWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Token bucket per API key: burst size. Generous; it only stops one caller starving the rest.</summary>
    public int PerKeyBurst { get; set; } = 40000;

    /// <summary>Token bucket per API key: sustained requests per second.</summary>
    public int PerKeyPerSecond { get; set; } = 20000;

    /// <summary>Login attempts per client address per minute (password guessing).</summary>
    public int LoginsPerMinute { get; set; } = 20;
}

public sealed class BootstrapAdminSettings
{
    public string? AgentId { get; set; }

    public string? Password { get; set; }
}
