namespace OrleansSafety.Grains.Appeals;

public static class AppealQueueGrainKey
{
    public const string Default = "appeals";
}
