using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrleansSafety.Gateway.Json;

/// <summary>
/// Reads and writes the contract's enums by their snake_case wire names (<see cref="WireNames"/>), strictly.
/// <see cref="JsonStringEnumConverter"/> is too lenient for an input boundary: it also accepts PascalCase names,
/// any casing, and comma-separated lists ("hate, spam" reads as a flags combination), so an unknown value could
/// slip through as some other reason. Here anything but an exact wire name is a 400 that names the field.
/// </summary>
public sealed class WireEnumConverterFactory : JsonConverterFactory
{
    /// <summary>The contract's plain enums; [Flags] enums (roles) are mapped to string lists by hand instead.</summary>
    public static bool IsWireEnum(Type type) =>
        type.IsEnum && type.Assembly == typeof(FlagReason).Assembly && !type.IsDefined(typeof(FlagsAttribute), false);

    public override bool CanConvert(Type typeToConvert) => IsWireEnum(typeToConvert);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(WireEnumConverter<>).MakeGenericType(typeToConvert))!;
}

public sealed class WireEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    private static readonly string Expected = string.Join(", ", WireNames.All<TEnum>().Order(StringComparer.Ordinal));

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && WireNames.TryParse<TEnum>(reader.GetString(), out var value))
        {
            return value;
        }
        throw new WireValueException($"Must be one of: {Expected}.");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(WireNames.ToWire(value));
}

/// <summary>A JSON value the gateway understood but refuses; its message is meant for the caller.</summary>
public sealed class WireValueException : JsonException
{
    public WireValueException()
    {
    }

    public WireValueException(string message) : base(message)
    {
    }

    public WireValueException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
