namespace OrleansSafety.Grains.Flags;

[GenerateSerializer, Alias("target-state")]
public sealed class TargetState
{
    [Id(0)] public string? OpenCaseId { get; set; }

    [Id(1)] public int CasesOpened { get; set; }
}

public sealed class TargetGrain(
    [PersistentState("target", ModerationSiloExtensions.StorageName)] IPersistentState<TargetState> state) : Grain, ITargetGrain
{
    public async Task<string> GetOpenCaseAsync(string? resolvedCaseId)
    {
        if (state.State.OpenCaseId is { } openCaseId && openCaseId != resolvedCaseId)
        {
            return openCaseId;
        }
        var caseId = Identifiers.NewId("case");
        state.State.OpenCaseId = caseId;
        state.State.CasesOpened++;
        await state.WriteStateAsync();
        return caseId;
    }

    /// <summary>The grain key of a flag target: one per item, and for chat one per room and accused user.</summary>
    public static string KeyOf(FlagTarget target, string accusedUserId) =>
        target.Type == TargetType.Chat
            ? $"chat/{target.RoomId}/{accusedUserId}"
            : $"{WireNames.ToWire(target.Type)}/{target.Id}";
}
