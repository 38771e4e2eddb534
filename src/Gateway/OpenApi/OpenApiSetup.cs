using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using OrleansSafety.Gateway.Auth;
using OrleansSafety.Gateway.Json;
using Scalar.AspNetCore;

namespace OrleansSafety.Gateway.OpenApi;

/// <summary>The OpenAPI document (generated from the endpoints) at /openapi/v1.json and its browser UI at /scalar.</summary>
public static class OpenApiSetup
{
    private const string ApiKeySchemeId = "ApiKey";
    private const string BearerSchemeId = "Bearer";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "OrleansSafety API",
                    Version = "v1",
                    Description =
                        "Trust-and-safety engine: chat rooms, flags, cases, sanctions and appeals. Errors are RFC 7807 " +
                        "problem details. Game backends authenticate with X-Api-Key; agents with the bearer token from " +
                        "POST /api/v1/agent/login (or the dashboard cookie plus an X-Requested-With header on unsafe requests). " +
                        "Deviations from SPEC §3 are listed in docs/API.md.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeySchemeId] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = GatewayAuth.ApiKeyHeader,
                    Description = "Game-backend key (configuration Gateway:ApiKeys).",
                };
                document.Components.SecuritySchemes[BearerSchemeId] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Agent token from POST /api/v1/agent/login.",
                };
                return Task.CompletedTask;
            });

            // Each operation names the credentials its authorization policy accepts.
            options.AddOperationTransformer((operation, context, _) =>
            {
                var policies = context.Description.ActionDescriptor.EndpointMetadata
                    .OfType<IAuthorizeData>()
                    .Select(a => a.Policy)
                    .OfType<string>()
                    .ToHashSet(StringComparer.Ordinal);
                var anonymous = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
                if (anonymous || policies.Count == 0)
                {
                    return Task.CompletedTask;
                }
                operation.Security ??= [];
                if (policies.Contains(GatewayPolicies.Backend) || policies.Contains(GatewayPolicies.AdminOrBackend))
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeySchemeId, context.Document)] = [] });
                }
                if (!policies.Contains(GatewayPolicies.Backend))
                {
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeId, context.Document)] = [] });
                }
                return Task.CompletedTask;
            });

            // The wire enums are strings with a fixed vocabulary (see WireEnumConverterFactory).
            options.AddSchemaTransformer((schema, context, _) =>
            {
                var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
                if (WireEnumConverterFactory.IsWireEnum(type))
                {
                    schema.Type = JsonSchemaType.String;
                    schema.Enum = Enum.GetValues(type).Cast<Enum>()
                        .Select(v => (JsonNode)JsonValue.Create(WireNames.SnakeCase(v.ToString()))!)
                        .ToList();
                }
                return Task.CompletedTask;
            });
        });

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        // Served entirely from the app: no web fonts and no telemetry, so the page works offline.
        endpoints.MapScalarApiReference(o => o
                .WithTitle("OrleansSafety API")
                .DisableDefaultFonts()
                .DisableTelemetry())
            .AllowAnonymous();
        return endpoints;
    }
}
