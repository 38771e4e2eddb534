using System.Net;
using System.Net.Sockets;

namespace OrleansSafety.TestSupport;

public static class LoopbackPorts
{
    /// <summary>Free TCP ports on the loopback interface: the OS picks them, a child process binds them a moment later.</summary>
    public static int[] Free(int count)
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
}
