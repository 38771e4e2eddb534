using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;

namespace OrleansSafety.Gateway.Json;

public static class JsonSetup
{
    /// <summary>
    /// camelCase, enums by wire name, and strict reading: numbers must be JSON numbers (the web defaults would read
    /// "12" as 12) and a property given twice is refused rather than silently last-wins. Nulls are written, so every
    /// field SPEC §3 lists is present in every answer (e.g. a ban's <c>endsAt: null</c>).
    /// </summary>
    public static IServiceCollection AddGatewayJson(this IServiceCollection services) =>
        services.Configure<JsonOptions>(o => Apply(o.SerializerOptions));

    public static void Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new WireEnumConverterFactory());
    }
}
