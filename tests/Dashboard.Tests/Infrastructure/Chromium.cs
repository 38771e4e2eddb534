namespace OrleansSafety.Dashboard.Tests.Infrastructure;

/// <summary>
/// Debian's Chromium, driven by Playwright without `playwright install` (its own download cannot work offline).
/// </summary>
internal static class Chromium
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>/usr/bin/chromium unless CHROMIUM_PATH says otherwise.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>
    /// As root Chromium needs --no-sandbox; shared memory and GPU are unreliable in containers. The resolver rule stops
    /// the lookups of Google's update hosts that Chromium otherwise makes at every start, so that the only network
    /// the browser can reach is the gateway on localhost.
    /// </summary>
    public static readonly string[] Args =
    [
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    ];

    public static void EnsureInstalled()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ExecutablePath}. The dashboard's browser tests use the distribution's Chromium: " +
                "install it with `apt-get update && apt-get install -y chromium` (CI does this), or point CHROMIUM_PATH at another build.");
        }
    }
}
