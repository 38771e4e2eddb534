using Microsoft.AspNetCore.Identity;

namespace OrleansSafety.Gateway.Auth;

/// <summary>
/// Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2). Only the hash ever
/// leaves the gateway; grains store it and hand it back at login.
/// </summary>
public sealed class AgentPasswords
{
    public const int MinLength = 12;

    public const int MaxLength = 128;

    private readonly PasswordHasher<AgentAccount> _hasher = new();

    // Verified against when the agent does not exist, so that an unknown id costs as long as a wrong password.
    private readonly string _decoyHash;

    public AgentPasswords() => _decoyHash = _hasher.HashPassword(AgentAccount.Instance, Guid.NewGuid().ToString("N"));

    public string Hash(string password) => _hasher.HashPassword(AgentAccount.Instance, password);

    /// <summary>True when the password matches an enabled agent; <paramref name="rehash"/> is set when the stored hash is outdated.</summary>
    public bool Verify(AgentCredentials? credentials, string password, out string? rehash)
    {
        rehash = null;
        var result = _hasher.VerifyHashedPassword(AgentAccount.Instance, credentials?.PasswordHash ?? _decoyHash, password);
        if (credentials is null || credentials.Disabled || result == PasswordVerificationResult.Failed)
        {
            return false;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            rehash = Hash(password);
        }
        return true;
    }

    /// <summary>The hasher's user type; the default hasher does not look at it.</summary>
    public sealed class AgentAccount
    {
        public static readonly AgentAccount Instance = new();
    }
}
