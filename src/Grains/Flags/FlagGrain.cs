namespace OrleansSafety.Grains.Flags;

[GenerateSerializer, Alias("flag-state")]
public sealed class FlagState
{
    [Id(0)] public string? ReporterId { get; set; }

    [Id(1)] public string? CaseId { get; set; }

    [Id(2)] public FlagStatus Status { get; set; }

    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class FlagGrain(
    [PersistentState("flag", ModerationSiloExtensions.StorageName)] IPersistentState<FlagState> state,
    ModerationClock clock) : Grain, IFlagGrain
{
    private string FlagId => this.GetPrimaryKeyString();

    private bool Recorded => state.State.ReporterId is not null;

    public Task<FlagReceipt?> GetIfRecordedAsync() => Task.FromResult(Recorded ? Receipt() : null);

    public Task<string?> GetAssignedCaseAsync() => Task.FromResult(state.State.CaseId);

    public async Task<FlagReceipt> AssignCaseAsync(string reporterId, string caseId)
    {
        if (state.State.ReporterId != reporterId || state.State.CaseId != caseId)
        {
            state.State.ReporterId = reporterId;
            state.State.CaseId = caseId;
            state.State.UpdatedAt = clock.Now;
            await state.WriteStateAsync();
        }
        return Receipt();
    }

    public Task<FlagReceipt> GetForReporterAsync(string reporterId)
    {
        // Anyone but the reporter is told the flag does not exist: its existence is the reporter's business.
        if (!Recorded || state.State.ReporterId != reporterId)
        {
            throw ModerationException.NotFound("No flag with that id was filed by this reporter.");
        }
        return Task.FromResult(Receipt());
    }

    public async Task SetStatusAsync(FlagStatus status)
    {
        // Statuses only move forward, except that an overturned decision turns action_taken into no_violation.
        var allowed = status > state.State.Status || (state.State.Status == FlagStatus.ActionTaken && status == FlagStatus.NoViolation);
        if (!allowed)
        {
            return;
        }
        state.State.Status = status;
        state.State.UpdatedAt = clock.Now;
        await state.WriteStateAsync();
    }

    private FlagReceipt Receipt() => new(FlagId, state.State.Status, state.State.UpdatedAt);
}
