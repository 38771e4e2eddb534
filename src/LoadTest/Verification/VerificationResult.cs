namespace OrleansSafety.LoadTest.Verification;

/// <summary>What the verifier found. Any loss (a missing or changed message, a flag in no case or in two, a case
/// decided twice or claimed by two agents at once) fails the run.</summary>
public sealed record VerificationResult
{
    public long MessagesChecked { get; init; }

    public long MessagesMissing { get; init; }

    public long MessagesChanged { get; init; }

    /// <summary>Acknowledged messages older than the room's newest N that a target with limited retention keeps.</summary>
    public long MessagesBeyondRetention { get; init; }

    public long FlagsChecked { get; init; }

    public long FlagsUnknownToReporter { get; init; }

    public long FlagsWithoutCase { get; init; }

    public long FlagsInSeveralCases { get; init; }

    public long CasesChecked { get; init; }

    public long CasesDecidedTwice { get; init; }

    public long DoubleClaims { get; init; }

    public long Unverifiable { get; init; }

    public double Seconds { get; init; }

    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool Passed =>
        MessagesMissing == 0 && MessagesChanged == 0 && FlagsUnknownToReporter == 0 && FlagsWithoutCase == 0
        && FlagsInSeveralCases == 0 && CasesDecidedTwice == 0 && DoubleClaims == 0 && Unverifiable == 0;
}
