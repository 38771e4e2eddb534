using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// Deep equality of whatever the grains answer (records holding lists compare lists by reference), by comparing
/// their JSON forms; a failure shows both documents.
/// </summary>
public static class Same
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Assert<T>(string what, T expected, T actual)
    {
        var (before, after) = (Json(expected), Json(actual));
        if (before != after)
        {
            throw new Xunit.Sdk.XunitException($"{what} differs.\n--- expected ---\n{before}\n--- actual ---\n{after}");
        }
    }
}
