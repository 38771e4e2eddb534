namespace OrleansSafety.Gateway.Tests.Infrastructure;

/// <summary>Fresh ids for every test, so tests sharing one cluster never see each other's rooms, users or agents.</summary>
public static class Ids
{
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(64, prefix.Length + 33)];
}
