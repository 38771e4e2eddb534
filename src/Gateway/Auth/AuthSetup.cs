using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.Auth;

public static class AuthSetup
{
    /// <summary>Shortest HMAC-SHA256 signing key accepted, in bytes.</summary>
    public const int MinSigningKeyBytes = 32;

    /// <summary>
    /// Three ways in, one default scheme that chooses among them: an <c>X-Api-Key</c> header is the game backend, an
    /// Authorization header is an agent's bearer token, otherwise the dashboard's cookie (carrying the same JWT).
    /// </summary>
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyOutcomes>();
        services.AddSingleton<AgentPasswords>();
        services.AddSingleton<AgentTokens>();
        services.AddSingleton<IPostConfigureOptions<GatewayOptions>, DevelopmentSigningKey>();
        services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();

        services.AddAuthentication(GatewayAuth.SelectorScheme)
            .AddPolicyScheme(GatewayAuth.SelectorScheme, "API key, bearer token or dashboard cookie", o =>
                o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(GatewayAuth.ApiKeyScheme, null)
            .AddJwtBearer(GatewayAuth.BearerScheme)
            .AddJwtBearer(GatewayAuth.CookieScheme);

        services.AddOptions<JwtBearerOptions>(GatewayAuth.BearerScheme)
            .Configure<IOptions<GatewayOptions>, TimeProvider>((o, gateway, time) => ConfigureJwt(o, gateway.Value.Auth, GatewayAuth.BearerScheme, time));
        services.AddOptions<JwtBearerOptions>(GatewayAuth.CookieScheme)
            .Configure<IOptions<GatewayOptions>, TimeProvider>((o, gateway, time) =>
            {
                ConfigureJwt(o, gateway.Value.Auth, GatewayAuth.CookieScheme, time);
                var cookie = gateway.Value.Auth.CookieName;
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        context.Token = context.Request.Cookies[cookie];
                        return Task.CompletedTask;
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Backend, p => p.RequireRole(RoleNames.Backend))
            .AddPolicy(GatewayPolicies.Agent, p => p.RequireRole(RoleNames.Agent))
            .AddPolicy(GatewayPolicies.Senior, p => p.RequireRole(RoleNames.Senior))
            .AddPolicy(GatewayPolicies.Admin, p => p.RequireRole(RoleNames.Admin))
            .AddPolicy(GatewayPolicies.AdminOrBackend, p => p.RequireRole(RoleNames.Admin, RoleNames.Backend));
        return services;
    }

    private static string SelectScheme(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers.ContainsKey(GatewayAuth.ApiKeyHeader))
        {
            return GatewayAuth.ApiKeyScheme;
        }
        if (headers.Authorization.Count > 0)
        {
            return GatewayAuth.BearerScheme;
        }
        var cookie = context.RequestServices.GetRequiredService<IOptions<GatewayOptions>>().Value.Auth.CookieName;
        return context.Request.Cookies.ContainsKey(cookie) ? GatewayAuth.CookieScheme : GatewayAuth.BearerScheme;
    }

    private static void ConfigureJwt(JwtBearerOptions options, AuthSettings auth, string scheme, TimeProvider time)
    {
        options.TokenHandlers.Clear();
        // Keep "sub" and "role" as they are in the token instead of mapping them to long WS-* claim types.
        options.TokenHandlers.Add(new CachingJsonWebTokenHandler(time) { MapInboundClaims = false });
        options.MapInboundClaims = false;
        options.TokenValidationParameters = AgentTokens.ValidationParameters(auth, scheme);
    }

    /// <summary>
    /// Development may run without a configured key: a random one is made per process (tokens then die with it).
    /// Everywhere else a missing or short key stops the gateway at startup (see the validator).
    /// </summary>
    private sealed class DevelopmentSigningKey(IHostEnvironment environment, ILogger<DevelopmentSigningKey> logger)
        : IPostConfigureOptions<GatewayOptions>
    {
        public void PostConfigure(string? name, GatewayOptions options)
        {
            if (environment.IsDevelopment() && string.IsNullOrEmpty(options.Auth.SigningKey))
            {
                options.Auth.SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(48));
                logger.LogWarning("Gateway:Auth:SigningKey is not set; using a random key for this process (Development only).");
            }
        }
    }

    private sealed class GatewayOptionsValidator(IHostEnvironment environment) : IValidateOptions<GatewayOptions>
    {
        public ValidateOptionsResult Validate(string? name, GatewayOptions options)
        {
            var failures = new List<string>();
            if (options.ApiKeys.Count == 0 && !environment.IsDevelopment())
            {
                failures.Add("Gateway:ApiKeys must configure at least one game-backend key.");
            }
            var key = options.Auth.SigningKey;
            if (key is null || Encoding.UTF8.GetByteCount(key) < MinSigningKeyBytes)
            {
                failures.Add($"Gateway:Auth:SigningKey must be configured with at least {MinSigningKeyBytes} bytes.");
            }
            if (options.Auth.TokenLifetime <= TimeSpan.Zero)
            {
                failures.Add("Gateway:Auth:TokenLifetime must be positive.");
            }
            foreach (var (entry, index) in options.ApiKeys.Select((k, i) => (k, i)))
            {
                if (!Identifiers.IsValid(entry.Name))
                {
                    failures.Add($"Gateway:ApiKeys:{index}:Name must be an identifier.");
                }
                if (entry.Key.Length < 16)
                {
                    failures.Add($"Gateway:ApiKeys:{index}:Key must be at least 16 characters.");
                }
            }
            if (options.ApiKeys.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count)
            {
                failures.Add("Gateway:ApiKeys names must be unique.");
            }
            var limits = options.RateLimits;
            if (limits.FlagsPerReporter < 1 || limits.FlagWindow <= TimeSpan.Zero || limits.PerKeyBurst < 1
                || limits.PerKeyPerSecond < 1 || limits.LoginsPerMinute < 1)
            {
                failures.Add("Gateway:RateLimits values must be positive.");
            }
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
