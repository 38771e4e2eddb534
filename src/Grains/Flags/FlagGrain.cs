namespace OrleansSafety.Grains.Flags;

[GenerateSerializer, Alias("flag-state")]
public sealed class FlagState
{
    [Id(0)] public string? ReporterId { get; set; }

    [Id(1)] public string? CaseId { get; set; }

    // Id 2 held the flag's status until it was derived from its case (ICaseGrain.GetFlagReceiptAsync).

    /// <summary>When the flag was assigned to its case.</summary>
    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class FlagGrain(
    [PersistentState("flag", ModerationSiloExtensions.StorageName)] IPersistentState<FlagState> state,
    ModerationClock clock) : Grain, IFlagGrain
{
    // Orleans decodes the key into a new string on every call, and most of this grain's calls ask for it.
    private string? _flagId;

    private string FlagId => _flagId ??= this.GetPrimaryKeyString();

    private bool Recorded => state.State.ReporterId is not null;

    public async Task<FlagReceipt?> GetIfRecordedAsync() => Recorded ? await ReceiptAsync() : null;

    public Task<string?> GetAssignedCaseAsync() => Task.FromResult(state.State.CaseId);

    public async Task AssignCaseAsync(string reporterId, string caseId)
    {
        if (state.State.ReporterId != reporterId || state.State.CaseId != caseId)
        {
            state.State.ReporterId = reporterId;
            state.State.CaseId = caseId;
            state.State.UpdatedAt = clock.Now;
            await state.WriteStateAsync();
        }
    }

    public async Task<FlagReceipt> GetForReporterAsync(string reporterId)
    {
        // Anyone but the reporter is told the flag does not exist: its existence is the reporter's business.
        if (!Recorded || state.State.ReporterId != reporterId)
        {
            throw ModerationException.NotFound("No flag with that id was filed by this reporter.");
        }
        return await ReceiptAsync();
    }

    /// <summary>
    /// The status comes from the case, which changes it for all its flags at once (claim, decision, overturn)
    /// without writing each flag. Until the case has the flag (an attempt that died in between) it is "received".
    /// </summary>
    private async Task<FlagReceipt> ReceiptAsync() =>
        await GrainFactory.Get<ICaseGrain>(state.State.CaseId!).GetFlagReceiptAsync(FlagId)
        ?? new FlagReceipt(FlagId, FlagStatus.Received, state.State.UpdatedAt);
}
