namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>
/// The silo and gateway builds the processes run. The test project builds both with itself (project references that
/// are never loaded), so by default they are the tests' own configuration; <c>CHAOS_CONFIGURATION</c> overrides it. A
/// missing dll is built here (<c>dotnet build src/X -c cfg</c>). Each run copies the outputs to its own directory
/// first: other people rebuild src/ while a chaos run is killing and starting processes for minutes.
/// </summary>
public sealed record Binaries(string SiloDir, string GatewayDir, string Configuration)
{
    public string SiloDll => Path.Combine(SiloDir, "OrleansSafety.Silo.dll");

    public string GatewayDll => Path.Combine(GatewayDir, "OrleansSafety.Gateway.dll");

    public static async Task<Binaries> PrepareAsync(string runDir, Action<string> log)
    {
        var configuration = ChaosSettings.Current.Configuration ?? OwnConfiguration();
        var silo = await EnsureBuiltAsync("Silo", configuration, log);
        var gateway = await EnsureBuiltAsync("Gateway", configuration, log);
        var binaries = new Binaries(Path.Combine(runDir, "bin", "silo"), Path.Combine(runDir, "bin", "gateway"), configuration);
        Copy(silo, binaries.SiloDir);
        Copy(gateway, binaries.GatewayDir);
        log($"{configuration} builds of src/Silo and src/Gateway copied to {Path.Combine(runDir, "bin")}");
        return binaries;
    }

    private static string OwnConfiguration() =>
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    private static async Task<string> EnsureBuiltAsync(string project, string configuration, Action<string> log)
    {
        var dir = Path.Combine(Repository.Root, "src", project, "bin", configuration, "net10.0");
        if (!File.Exists(Path.Combine(dir, $"OrleansSafety.{project}.dll")))
        {
            log($"{dir} has no build: dotnet build src/{project} -c {configuration}");
            await Shell.RunCheckedAsync("dotnet", ["build", Path.Combine("src", project), "-c", configuration, "-nologo", "-v", "q"], TimeSpan.FromMinutes(5));
        }
        return dir;
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
