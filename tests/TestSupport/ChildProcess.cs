using System.Diagnostics;
using System.Globalization;

namespace OrleansSafety.TestSupport;

/// <summary>
/// A long-running child process of a test run (a silo, a gateway): configured only by environment variables, its
/// console output kept in a log file, stopped with SIGTERM (graceful) or SIGKILL (a crash). Only processes started
/// here are ever signalled, each by its own PID.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    /// <summary>
    /// Inherited variables that would configure the child behind the test's back; the child sees only what the test
    /// passes. One list serves silos and gateways alike: Gateway__ and ASPNETCORE_ are read only by the gateway (the
    /// silo is a generic host), and whoever needs DOTNET_ENVIRONMENT passes it explicitly, so scrubbing all of them
    /// from a silo changes nothing but an inherited setting leaking in.
    /// </summary>
    private static readonly string[] ScrubbedPrefixes =
        ["Orleans__", "ConnectionStrings__", "Storage__", "Moderation__", "Gateway__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];

    private static readonly TimeSpan ExitAfterKill = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ProcessLog _log;
    private readonly string? _readyLine;
    private readonly string? _noteTag;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string name, Process process, ProcessLog log, string? readyLine, string? noteTag)
    {
        Name = name;
        _process = process;
        _log = log;
        _readyLine = readyLine;
        _noteTag = noteTag;
    }

    public string Name { get; }

    public string LogPath => _log.FilePath;

    public int Pid { get; private set; }

    public bool HasExited => _exited.Task.IsCompleted;

    public Task Exited => _exited.Task;

    /// <summary>Completes when the process writes its ready line (at once if it has none); fails if it exits first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>
    /// Starts <paramref name="file"/>, its output logged to <c>{logDirectory}/{name}.log</c>. With a
    /// <paramref name="noteTag"/>, what the test does to it (start, SIGTERM, SIGKILL, exit) is written into the log
    /// too, as "[tag] …" lines between the process's own.
    /// </summary>
    public static ChildProcess Start(string name, string file, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment, string logDirectory, string? readyLine = null,
        bool appendToLog = false, string? noteTag = null)
    {
        var argumentList = arguments.ToList();
        var process = new Process { StartInfo = StartInfo(file, argumentList, workingDirectory, environment), EnableRaisingEvents = true };
        var log = new ProcessLog(Path.Combine(logDirectory, $"{name}.log"), appendToLog);
        var child = new ChildProcess(name, process, log, readyLine, noteTag);
        child.Note($"starting: {file} {string.Join(' ', argumentList)}");
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            child._exited.TrySetResult();
            child._ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready; see {child.LogPath}"));
        };
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}");
        }
        child.Pid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (readyLine is null)
        {
            child._ready.TrySetResult();
        }
        return child;
    }

    /// <summary>
    /// How a child of the tests is started, also for short commands run to their end: the inherited configuration
    /// scrubbed, console logs on one line each (a log line is then a grep-able event), then <paramref name="environment"/>.
    /// </summary>
    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // An empty stdin of its own, never the test run's (a terminal when run by hand): the child reads no input,
            // and .NET's Process treats a child that has our stdin as sharing our terminal.
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys
                     .Where(k => ScrubbedPrefixes.Any(prefix => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        return start;
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
        await _exited.Task.WaitAsync(ExitAfterKill);
    }

    /// <summary>SIGTERM (graceful stop), then SIGKILL if it is still running after <paramref name="grace"/>. True if it stopped by itself.</summary>
    public async Task<bool> TerminateAsync(TimeSpan grace)
    {
        if (HasExited)
        {
            return true;
        }
        Note("SIGTERM");
        await SendSigtermAsync();
        try
        {
            await _exited.Task.WaitAsync(grace);
            Note($"exited with {ExitCodeOrUnknown()}");
            return true;
        }
        catch (TimeoutException)
        {
            Note($"still running {grace.TotalSeconds:0} s after SIGTERM");
            await KillAsync();
            return false;
        }
    }

    public string Tail(int lines = 40) => string.Join('\n', _log.Lines().TakeLast(lines));

    /// <summary>Lines of the log that contain <paramref name="text"/>.</summary>
    public IReadOnlyList<string> Grep(string text) => _log.Lines().Where(l => l.Contains(text, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                await _exited.Task.WaitAsync(ExitAfterKill);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException)
            {
                // already gone, or not going: nothing more we may do
            }
        }
        _process.Dispose();
        _log.Dispose();
    }

    private string ExitCodeOrUnknown()
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

    /// <summary><c>kill -TERM</c> to our own PID (.NET has no API for a graceful signal to another process).</summary>
    private async Task SendSigtermAsync()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) },
            UseShellExecute = false,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not run kill");
        await kill.WaitForExitAsync();
    }

    private void Note(string text)
    {
        if (_noteTag is not null)
        {
            _log.WriteLine($"{DateTime.Now:HH:mm:ss.fff} [{_noteTag}] {text}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        _log.WriteLine(line);
        if (_readyLine is not null && line.Contains(_readyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}
