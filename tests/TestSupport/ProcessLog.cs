using System.Text;

namespace OrleansSafety.TestSupport;

/// <summary>
/// The log file of a <see cref="ChildProcess"/>. Its stdout and stderr lines arrive on two threads, hence the lock;
/// lines that arrive after it is closed (a process dying while it is disposed) are dropped. Tests read it back while
/// it is still being written, for their failure messages.
/// </summary>
internal sealed class ProcessLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private bool _closed;

    public ProcessLog(string filePath, bool append)
    {
        FilePath = filePath;
        // AutoFlush: what a test reads back (Tail, Grep) is everything written so far.
        _writer = new StreamWriter(filePath, append, Encoding.UTF8) { AutoFlush = true };
    }

    public string FilePath { get; }

    public void WriteLine(string line)
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    public IEnumerable<string> Lines()
    {
        // ReadWrite: the writer above still has the file open.
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
