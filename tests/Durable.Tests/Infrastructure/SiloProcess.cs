using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// A real <c>OrleansSafety.Silo</c> process (the Release-built dll of src/Silo run with <c>dotnet</c>), configured only
/// through the environment variables the README documents, with its console output kept in a log file.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    public const string ReadyLine = "OrleansSafety silo ready";

    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _logClosed;

    private SiloProcess(string name, Process process, string logPath)
    {
        Name = name;
        LogPath = logPath;
        _process = process;
        _log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _exited.Task.IsCompleted;

    public static string SiloDll => Path.Combine(Repository.Root, "src", "Silo", "bin", "Release", "net10.0", "OrleansSafety.Silo.dll");

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

    public static SiloProcess Start(string name, IReadOnlyDictionary<string, string?> environment, string logDirectory)
    {
        var start = NewStartInfo("dotnet", [SiloDll], environment);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(name, process, Path.Combine(logDirectory, $"{name}.log"));
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => silo.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            silo._exited.TrySetResult();
            silo._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready; see {silo.LogPath}"));
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits for the silo host's "ready" log line (it is written once Orleans has started and joined).</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await _ready.Task.WaitAsync(within);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} was not ready after {within.TotalSeconds:0} s:\n{Tail()}");
        }
    }

    /// <summary>SIGKILL: no shutdown, no deactivation, no goodbye to the membership table.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false); // on Linux, Process.Kill sends SIGKILL
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>SIGTERM (the silo stops gracefully), then SIGKILL if it is still running after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }
        await RunToEndAsync("kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], new Dictionary<string, string?>(),
            TimeSpan.FromSeconds(5), Repository.Root);
        try
        {
            await _exited.Task.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            await KillHardAsync();
        }
    }

    public string Tail(int lines = 40)
    {
        lock (_logLock)
        {
            if (!_logClosed)
            {
                _log.Flush();
            }
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    /// <summary>Free TCP ports on the loopback interface (the OS picks them; the silo binds them a moment later).</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_logLock)
        {
            if (_logClosed)
            {
                return;
            }
            _log.WriteLine(line);
        }
        if (line.Contains(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private static ProcessStartInfo NewStartInfo(string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // By default the silo's directory: its appsettings.json is next to its dll and the host reads it from there.
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(SiloDll)!,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Nothing of the test run's own configuration leaks into the silo: only what we pass.
        foreach (var key in start.Environment.Keys.Where(k =>
                     k.StartsWith("Orleans__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Moderation__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return start;
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, string? workingDirectory = null)
    {
        using var process = Process.Start(NewStartInfo(file, arguments, environment, workingDirectory)) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
