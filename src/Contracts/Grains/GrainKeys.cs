namespace OrleansSafety.Contracts.Grains;

/// <summary>The keys of the grains there is one of.</summary>
public static class GrainKeys
{
    public const string AppealQueue = "appeals";
    public const string AgentDirectory = "agents";

    /// <summary>The key of stateless-worker grains (any key works; one is used so calls are easy to read).</summary>
    public const long Worker = 0;
}
