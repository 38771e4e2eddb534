using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrleansSafety.Chaos.Tests.Infrastructure;

/// <summary>
/// A child process of the test run (a silo or a gateway): configured only by environment variables, its console output
/// kept in a log file, stopped with SIGTERM (graceful) or SIGKILL (a crash). Only processes started here are ever
/// signalled, by their own PID.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _readyLine;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _logClosed;

    private ManagedProcess(string name, Process process, string logPath, string? readyLine)
    {
        Name = name;
        LogPath = logPath;
        _process = process;
        _readyLine = readyLine;
        _log = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    public Task Exited => _exited.Task;

    /// <summary>Completes when the process writes <c>readyLine</c>; fails if it exits first.</summary>
    public Task Ready => _ready.Task;

    public static ManagedProcess Start(string name, string file, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, string logDirectory, string? readyLine = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Nothing of the test run's own configuration leaks into the child: only what we pass.
        foreach (var key in start.Environment.Keys.Where(k =>
                     k.StartsWith("Orleans__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Moderation__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Gateway__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        start.Environment["DOTNET_gcServer"] = "0"; // six .NET processes share two cores
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var managed = new ManagedProcess(name, process, Path.Combine(logDirectory, $"{name}.log"), readyLine);
        managed.Note($"starting: {file} {string.Join(' ', arguments)}");
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            managed._exited.TrySetResult();
            managed._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready; see {managed.LogPath}"));
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }
        managed.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (readyLine is null)
        {
            managed._ready.TrySetResult();
        }
        return managed;
    }

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
    public async Task KillAsync()
    {
        if (HasExited)
        {
            return;
        }
        Note("SIGKILL");
        try
        {
            _process.Kill(entireProcessTree: false); // on Linux, Process.Kill sends SIGKILL
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>SIGTERM (graceful stop), then SIGKILL if it is still running after <paramref name="grace"/>. True if it stopped by itself.</summary>
    public async Task<bool> TerminateAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return true;
        }
        Note("SIGTERM");
        await Signal("TERM");
        try
        {
            await _exited.Task.WaitAsync(grace);
            Note($"exited with {ExitCodeOrNull()}");
            return true;
        }
        catch (TimeoutException)
        {
            Note($"still running {grace.TotalSeconds:0} s after SIGTERM");
            await KillAsync();
            return false;
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

    /// <summary>Lines of the log that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Grep(string text)
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n').Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _exited.Task.WaitAsync(TimeSpan.FromSeconds(15));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // already gone, or not going: nothing more we may do
            }
        }
        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    private string ExitCodeOrNull()
    {
        try
        {
            return _process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    private async Task Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { $"-{signal}", Pid.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync();
    }

    private void Note(string text) => OnLine($"{DateTime.Now:HH:mm:ss.fff} [chaos] {text}");

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
        if (_readyLine is not null && line.Contains(_readyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
