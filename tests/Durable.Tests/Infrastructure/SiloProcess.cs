using System.Diagnostics;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// The real <c>OrleansSafety.Silo</c> (the Release-built dll of src/Silo run with <c>dotnet</c>), configured only
/// through the environment variables the README documents: building it, migrating a database with it, and starting
/// it as a <see cref="ChildProcess"/>.
/// </summary>
public static class SiloProcess
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);

    public static string SiloDll => Path.Combine(Repository.Root, "src", "Silo", "bin", "Release", "net10.0", "OrleansSafety.Silo.dll");

    /// <summary>The silo's directory: its appsettings.json is next to its dll and the host reads it from there.</summary>
    private static string SiloDir => Path.GetDirectoryName(SiloDll)!;

    /// <summary>Builds src/Silo in Release once when its dll is missing (scripts/test.sh has built it already).</summary>
    public static async Task<string> EnsureBuiltAsync(ITestOutputHelper? output = null)
    {
        await BuildLock.WaitAsync();
        try
        {
            if (!File.Exists(SiloDll))
            {
                output?.WriteLine($"{SiloDll} is missing: building src/Silo (Release)");
                var (exitCode, text) = await RunToEndAsync("dotnet", ["build", Path.Combine("src", "Silo", "Silo.csproj"), "-c", "Release", "-nologo", "-v", "q"],
                    new Dictionary<string, string?>(), TimeSpan.FromMinutes(5), Repository.Root);
                if (exitCode != 0 || !File.Exists(SiloDll))
                {
                    throw new InvalidOperationException($"dotnet build src/Silo -c Release failed ({exitCode}):\n{text}");
                }
            }
            return SiloDll;
        }
        finally
        {
            BuildLock.Release();
        }
    }

    /// <summary><c>dotnet OrleansSafety.Silo.dll migrate</c>: creates the schema, as the compose file's one-shot service does.</summary>
    public static async Task MigrateAsync(string connectionString)
    {
        var (exitCode, text) = await RunToEndAsync("dotnet", [SiloDll, "migrate"],
            new Dictionary<string, string?> { ["ConnectionStrings__Postgres"] = connectionString }, TimeSpan.FromMinutes(1));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"silo migrate failed ({exitCode}):\n{text}");
        }
    }

    /// <summary>A silo process logging to <c>{logDirectory}/{name}.log</c>; await its <c>WaitUntilReadyAsync</c>.</summary>
    public static ChildProcess Start(string name, IReadOnlyDictionary<string, string?> environment, string logDirectory) =>
        ChildProcess.Start(name, "dotnet", [SiloDll], SiloDir, InProduction(environment), logDirectory, SiloLog.ReadyLine);

    /// <summary>The README's deployment runs the silo as Production; <paramref name="environment"/> may still say otherwise.</summary>
    private static Dictionary<string, string?> InProduction(IReadOnlyDictionary<string, string?> environment)
    {
        var all = new Dictionary<string, string?> { ["DOTNET_ENVIRONMENT"] = "Production" };
        foreach (var (key, value) in environment)
        {
            all[key] = value;
        }
        return all;
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, string? workingDirectory = null)
    {
        var start = ChildProcess.StartInfo(file, arguments, workingDirectory ?? SiloDir, InProduction(environment));
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
