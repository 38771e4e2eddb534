using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.Auth;

/// <summary>
/// The configured game-backend keys, kept as SHA-256 digests. A presented key is hashed and compared with every
/// digest in constant time, so neither the position of a mismatch nor which key matched shows in the timing.
/// </summary>
public sealed class ApiKeyStore : IDisposable
{
    private readonly IDisposable? _subscription;
    private volatile Entry[] _entries;

    public ApiKeyStore(IOptionsMonitor<GatewayOptions> options)
    {
        _entries = Build(options.CurrentValue);
        // Keys can be rotated by changing configuration, without a restart.
        _subscription = options.OnChange(o => _entries = Build(o));
    }

    /// <summary>The name of the key that matches, or null.</summary>
    public string? Match(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return null;
        }
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        string? match = null;
        foreach (var entry in _entries)
        {
            // No early exit: every key is compared whatever the outcome.
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest))
            {
                match = entry.Name;
            }
        }
        return match;
    }

    public void Dispose() => _subscription?.Dispose();

    private static Entry[] Build(GatewayOptions options) =>
        options.ApiKeys
            .Where(k => !string.IsNullOrEmpty(k.Key) && !string.IsNullOrEmpty(k.Name))
            .Select(k => new Entry(k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key))))
            .ToArray();

    private sealed record Entry(string Name, byte[] Digest);
}
