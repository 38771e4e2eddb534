using Microsoft.Diagnostics.Tracing.Etlx;

namespace OrleansSafety.AllocationProfile;

/// <summary>A sampled stack as method names, innermost first, without argument lists.</summary>
internal static class StackFrames
{
    public static IReadOnlyList<string> Of(TraceCallStack? stack)
    {
        var frames = new List<string>();
        for (var frame = stack; frame is not null; frame = frame.Caller)
        {
            var name = frame.CodeAddress.FullMethodName;
            frames.Add(string.IsNullOrEmpty(name) ? $"?!{frame.CodeAddress.ModuleName}" : Shorten(name));
        }

        return frames;
    }

    private static string Shorten(string method)
    {
        var arguments = method.IndexOf('(', StringComparison.Ordinal);
        return arguments < 0 ? method : method[..arguments];
    }
}
