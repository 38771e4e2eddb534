using System.Collections.Frozen;
using System.Text;

namespace OrleansSafety.Contracts.Model;

/// <summary>
/// The snake_case names the HTTP contract uses for enum values (<c>sexual_content</c>, <c>user-muted</c> …),
/// in one place so grains, gateway and tests agree.
/// </summary>
public static class WireNames
{
    public static string ToWire<TEnum>(TEnum value) where TEnum : struct, Enum => Cache<TEnum>.ToWire[value];

    public static bool TryParse<TEnum>(string? wire, out TEnum value) where TEnum : struct, Enum
    {
        if (wire is not null && Cache<TEnum>.FromWire.TryGetValue(wire, out value))
        {
            return true;
        }
        value = default;
        return false;
    }

    public static IReadOnlyCollection<string> All<TEnum>() where TEnum : struct, Enum => Cache<TEnum>.FromWire.Keys;

    public static string SnakeCase(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            if (char.IsUpper(pascal[i]) && i > 0)
            {
                builder.Append('_');
            }
            builder.Append(char.ToLowerInvariant(pascal[i]));
        }
        return builder.ToString();
    }

    private static class Cache<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ToWire =
            Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, v => SnakeCase(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> FromWire =
            ToWire.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
