namespace OrleansSafety.TestSupport;

public static class SiloLog
{
    /// <summary>What src/Silo (<c>SiloReadyLog</c>) logs once Orleans has started and the silo has joined its cluster.</summary>
    public const string ReadyLine = "OrleansSafety silo ready";
}
