using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;
using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class AuditLogTests(PostgresServer server) : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private IAuditLog _log = null!;

    public async Task InitializeAsync()
    {
        _db = await server.GetClassDatabaseAsync(GetType());
        _log = new PostgresAuditLog(_db.DataSource);
    }

    public async Task DisposeAsync() => await ((PostgresAuditLog)_log).DisposeAsync();

    /// <summary>Many grains appending at once share commits, and every append is stored exactly once.</summary>
    [Fact]
    public async Task Concurrent_appends_are_group_committed_and_each_stored_once()
    {
        var at = new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero);
        var entries = Enumerable.Range(0, 400)
            .Select(i => new AuditEntry($"burst-{i}", at.AddMilliseconds(i), AuditActions.FlagReceived, "reporter", CaseId: "case-burst",
                Details: new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();
        await using var log = new PostgresAuditLog(_db.DataSource);

        // Each entry twice, as retried operations do: the second copy stores nothing, in the same batch or later.
        await Task.WhenAll(entries.Concat(entries).Select(log.AppendAsync));

        var stored = await log.QueryAsync(new AuditQuery("case-burst", null, null, 1000));
        Assert.Equal(entries.Select(e => e.EntryId).Order(StringComparer.Ordinal), stored.Select(e => e.EntryId).Order(StringComparer.Ordinal));
        Assert.All(stored, e => Assert.Equal(e.EntryId, "burst-" + e.Details!["i"]));
        Assert.InRange(log.BatchesWritten, 1, entries.Count - 1);
    }

    [Fact]
    public async Task Appending_the_same_entry_id_twice_keeps_the_first()
    {
        var at = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(2)); // stored as UTC
        var entry = new AuditEntry("dup-1", at, AuditActions.CaseClaimed, "agent-dup", CaseId: "case-dup",
            Details: new Dictionary<string, string> { ["note"] = "first – ünïcødé \"quoted\"" });

        await _log.AppendAsync(entry);
        await _log.AppendAsync(entry with { ActorId = "someone-else", Details = null });

        var stored = Assert.Single(await _log.QueryAsync(new AuditQuery("case-dup", null, null, 10)));
        Assert.Equal("agent-dup", stored.ActorId);
        Assert.Equal(at, stored.At);
        Assert.Equal(TimeSpan.Zero, stored.At.Offset);
        Assert.Equal(entry.Details, stored.Details);
    }

    [Fact]
    public async Task Queries_and_their_filters_newest_first_with_a_limit()
    {
        var t = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);
        AuditEntry[] entries =
        [
            new("q-1", t.AddMinutes(1), AuditActions.CaseClaimed, "q-agent-a", CaseId: "q-case-1", UserId: "q-user-1"),
            new("q-2", t.AddMinutes(2), AuditActions.CaseDecided, "q-agent-a", CaseId: "q-case-1", UserId: "q-user-1"),
            new("q-3", t.AddMinutes(3), AuditActions.CaseClaimed, "q-agent-b", CaseId: "q-case-2", UserId: "q-user-2"),
            new("q-4", t.AddMinutes(4), AuditActions.AgentChanged, "q-admin", AgentId: "q-agent-a"),
            new("q-5", t.AddMinutes(5), AuditActions.UserBooted, "q-owner", UserId: "q-user-1", RoomId: "q-room"),
            new("q-6", t.AddMinutes(5), AuditActions.CaseReleased, "q-agent-a", CaseId: "q-case-2", UserId: "q-user-2"),
        ];
        foreach (var entry in entries.Reverse())
        {
            await _log.AppendAsync(entry);
        }

        Assert.Equal(["q-2", "q-1"], Ids(await _log.QueryAsync(new AuditQuery("q-case-1", null, null, 50))));
        Assert.Equal(["q-5", "q-2", "q-1"], Ids(await _log.QueryAsync(new AuditQuery(null, "q-user-1", null, 50))));
        // An agent's entries: as actor or as subject. Equal times are ordered by entry id, descending.
        Assert.Equal(["q-6", "q-4", "q-2", "q-1"], Ids(await _log.QueryAsync(new AuditQuery(null, null, "q-agent-a", 50))));
        // Filters are AND-ed.
        Assert.Equal(["q-6"], Ids(await _log.QueryAsync(new AuditQuery("q-case-2", "q-user-2", "q-agent-a", 50))));
        Assert.Empty(await _log.QueryAsync(new AuditQuery("q-case-1", "q-user-2", null, 50)));
        Assert.Equal(["q-6", "q-4"], Ids(await _log.QueryAsync(new AuditQuery(null, null, "q-agent-a", 2))));
        Assert.Empty(await _log.QueryAsync(new AuditQuery("q-case-1", null, null, 0)));

        var boot = Assert.Single(await _log.QueryAsync(new AuditQuery(null, "q-user-1", null, 1)));
        Assert.Equal(entries[4], boot);
    }

    [Theory]
    [InlineData(2030, 400)] // an even number of decisions in range, and entries outside it
    [InlineData(2031, 151)]
    [InlineData(2032, 0)]   // nothing in range: no median, no overturn rate
    public async Task The_transparency_report_equals_what_TransparencyCalculator_computes(int year, int cases)
    {
        var from = new DateTimeOffset(year, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var to = from.AddDays(30);
        var entries = TransparencyEntries(year, from, to, cases);
        foreach (var entry in entries)
        {
            await _log.AppendAsync(entry);
        }

        var fromSql = await _log.GetTransparencyAsync(from, to);
        var expected = TransparencyCalculator.Compute(from, to, entries.Where(e => e.At >= from && e.At < to).ToList());

        AssertSameReport(expected, fromSql);
        if (cases > 0)
        {
            Assert.NotNull(fromSql.MedianSecondsToDecision);
            Assert.NotEmpty(fromSql.FlagsByReason);
            Assert.NotEmpty(fromSql.SanctionsByKind);
            Assert.True(fromSql.AppealsOverturned > 0);
        }
    }

    /// <summary>Flags, decisions and appeals as the grains write them, with the gaps the calculator must skip.</summary>
    private static List<AuditEntry> TransparencyEntries(int year, DateTimeOffset from, DateTimeOffset to, int cases)
    {
        var random = new Random(year);
        var reasons = WireNames.All<FlagReason>().ToArray();
        var sanctions = WireNames.All<SanctionKind>().ToArray();
        var entries = new List<AuditEntry>();
        var span = (to - from).Ticks;
        for (var i = 0; i < cases; i++)
        {
            // Some entries fall just outside [from, to); times are whole microseconds, as PostgreSQL stores them.
            var at = (i % 10) switch
            {
                0 => from.AddTicks(-10 * (i + 1)),
                1 => to.AddTicks(10 * i),
                2 => from,
                _ => from.AddTicks(random.NextInt64(span) / 10 * 10),
            };
            var id = $"t{year}-{i}";
            entries.Add(new AuditEntry($"{id}-flag", at, AuditActions.FlagReceived, "reporter", CaseId: id,
                Details: i % 13 == 0 ? null : new Dictionary<string, string> { [AuditDetailKeys.Reason] = reasons[random.Next(reasons.Length)] }));

            var decision = new Dictionary<string, string> { [AuditDetailKeys.Outcome] = i % 3 == 0 ? "no_violation" : "violation" };
            if (i % 3 != 0 && i % 4 != 0)
            {
                decision[AuditDetailKeys.Sanction] = sanctions[random.Next(sanctions.Length)];
            }
            if (i % 11 != 0)
            {
                // Fractions that are not exact in binary, integers, and repeats.
                var seconds = (i % 5) switch { 0 => 0.1 * random.Next(1, 50), 1 => random.Next(1, 5000), _ => random.NextDouble() * 86_400 };
                decision[AuditDetailKeys.SecondsToDecision] = seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }
            entries.Add(new AuditEntry($"{id}-decided", at.AddTicks(10), AuditActions.CaseDecided, "agent-t", CaseId: id, Details: decision));
            entries.Add(new AuditEntry($"{id}-claimed", at.AddTicks(20), AuditActions.CaseClaimed, "agent-t", CaseId: id,
                Details: new Dictionary<string, string> { [AuditDetailKeys.Outcome] = "violation" })); // not a decision: not counted

            if (i % 4 == 1)
            {
                entries.Add(new AuditEntry($"{id}-appeal", at.AddTicks(30), AuditActions.AppealFiled, "user", AppealId: id));
                if (i % 8 == 1)
                {
                    var outcome = WireNames.ToWire(random.Next(3) == 0 ? AppealOutcome.Overturned : AppealOutcome.Upheld);
                    entries.Add(new AuditEntry($"{id}-appeal-decided", at.AddTicks(40), AuditActions.AppealDecided, "senior", AppealId: id,
                        Details: new Dictionary<string, string> { [AuditDetailKeys.Outcome] = outcome }));
                }
            }
        }
        entries.Add(new AuditEntry($"t{year}-overturned", from.AddTicks(50), AuditActions.AppealDecided, "senior",
            Details: new Dictionary<string, string> { [AuditDetailKeys.Outcome] = WireNames.ToWire(AppealOutcome.Overturned) }));
        return cases == 0 ? [] : entries;
    }

    private static void AssertSameReport(TransparencyReport expected, TransparencyReport actual)
    {
        Assert.Equal(expected.From, actual.From);
        Assert.Equal(expected.To, actual.To);
        Assert.Equal(Sorted(expected.FlagsByReason), Sorted(actual.FlagsByReason));
        Assert.Equal(Sorted(expected.DecisionsByOutcome), Sorted(actual.DecisionsByOutcome));
        Assert.Equal(Sorted(expected.SanctionsByKind), Sorted(actual.SanctionsByKind));
        // Exactly, not approximately: the SQL median must be the same double.
        Assert.Equal(expected.MedianSecondsToDecision, actual.MedianSecondsToDecision);
        Assert.Equal(expected.AppealsFiled, actual.AppealsFiled);
        Assert.Equal(expected.AppealsDecided, actual.AppealsDecided);
        Assert.Equal(expected.AppealsOverturned, actual.AppealsOverturned);
        Assert.Equal(expected.OverturnRate, actual.OverturnRate);
    }

    private static List<KeyValuePair<string, int>> Sorted(IReadOnlyDictionary<string, int> counts) =>
        counts.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    private static string[] Ids(IEnumerable<AuditEntry> entries) => entries.Select(e => e.EntryId).ToArray();
}
