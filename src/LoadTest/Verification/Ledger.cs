using System.Collections.Concurrent;

namespace OrleansSafety.LoadTest.Verification;

/// <summary>A chat message the system acknowledged: its room's seq, its author and its text (rebuilt from the id).</summary>
public readonly record struct AckedMessage(long Seq, int User, int TextId);

/// <summary>A flag the system acknowledged (202 with a flag id).</summary>
public sealed record AckedFlag(string FlagId, string ReporterId, string AccusedUserId, string TargetKey);

/// <summary>
/// Everything the system acknowledged during the run, for the verifier to find again afterwards, plus the claims
/// as agents received them (a case granted to a second agent while the first holds it is a double claim).
/// </summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<string, List<AckedMessage>> _messages = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AckedFlag> _flags = new();
    private readonly ConcurrentDictionary<string, string> _claims = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _decisions = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _doubleClaims = new();
    private long _boots;
    private long _appealsFiled;
    private long _appealsDecided;

    public IReadOnlyDictionary<string, List<AckedMessage>> MessagesByRoom => _messages;

    public IReadOnlyCollection<AckedFlag> Flags => _flags;

    public IReadOnlyDictionary<string, string> Decisions => _decisions;

    public IReadOnlyDictionary<string, string> Claims => _claims;

    public IReadOnlyCollection<string> DoubleClaims => _doubleClaims;

    public long MessageCount => _messages.Values.Sum(list => { lock (list) { return (long)list.Count; } });

    public long Boots => Interlocked.Read(ref _boots);

    public long AppealsFiled => Interlocked.Read(ref _appealsFiled);

    public long AppealsDecided => Interlocked.Read(ref _appealsDecided);

    public void MessageAcked(string roomId, AckedMessage message)
    {
        var list = _messages.GetOrAdd(roomId, _ => []);
        lock (list)
        {
            list.Add(message);
        }
    }

    /// <summary>A recently acknowledged message of the room, for a flag to name; null when the room has none yet.</summary>
    public AckedMessage? RecentMessage(string roomId, int back)
    {
        if (!_messages.TryGetValue(roomId, out var list))
        {
            return null;
        }
        lock (list)
        {
            return list.Count == 0 ? null : list[Math.Max(0, list.Count - 1 - back)];
        }
    }

    public void FlagAcked(AckedFlag flag) => _flags.Enqueue(flag);

    public void Claimed(string caseId, string agentId)
    {
        // Agents here never release: a case id handed to a second agent is a double claim, whenever it happens.
        var holder = _claims.GetOrAdd(caseId, agentId);
        if (holder != agentId)
        {
            _doubleClaims.Enqueue($"{caseId}: {holder} and {agentId}");
        }
    }

    public void Decided(string caseId, string agentId) => _decisions[caseId] = agentId;

    public void BootAcked() => Interlocked.Increment(ref _boots);

    public void AppealFiled() => Interlocked.Increment(ref _appealsFiled);

    public void AppealDecided() => Interlocked.Increment(ref _appealsDecided);
}
