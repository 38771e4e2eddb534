using Npgsql;
using OrleansSafety.Contracts.Model;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// The transparency report computed by PostgreSQL over audit_log: the same numbers
/// <see cref="TransparencyCalculator"/> computes from the same entries, without loading them. Both statements go
/// in one round trip and read only the (action, at) index range of the counted actions.
/// </summary>
internal static class TransparencyQuery
{
    // Counts of one detail value per kind: flags by reason, decisions by outcome, decisions by sanction. Like the
    // calculator, an entry without that detail (or with a JSON null) is not counted.
    private const string CountsSql = """
        SELECT d.kind, d.value, count(*)::int
        FROM audit_log AS a
        CROSS JOIN LATERAL (VALUES
            (0, CASE WHEN a.action = @flag_received THEN a.details ->> @reason_key END),
            (1, CASE WHEN a.action = @case_decided THEN a.details ->> @outcome_key END),
            (2, CASE WHEN a.action = @case_decided THEN a.details ->> @sanction_key END)) AS d(kind, value)
        WHERE a.action IN (@flag_received, @case_decided)
          AND a.at >= @from AND a.at < @to
          AND d.value IS NOT NULL
        GROUP BY d.kind, d.value
        """;

    // The median exactly as the calculator takes it: the middle value, or (lower + upper) / 2 of the two middle
    // values in float8 (percentile_cont interpolates as lower + 0.5 * (upper - lower), which can differ in the
    // last bit). The text-to-float8 cast, like double.Parse, rounds correctly.
    private const string SummarySql = """
        WITH decided AS (
            SELECT (details ->> @seconds_key)::float8 AS seconds
            FROM audit_log
            WHERE action = @case_decided AND at >= @from AND at < @to AND details ->> @seconds_key IS NOT NULL
        ), ranked AS (
            SELECT seconds, row_number() OVER (ORDER BY seconds) AS rn, count(*) OVER () AS n FROM decided
        ), median AS (
            SELECT CASE WHEN min(n) % 2 = 1
                        THEN min(seconds) FILTER (WHERE rn = (n + 1) / 2)
                        ELSE (min(seconds) FILTER (WHERE rn = n / 2) + min(seconds) FILTER (WHERE rn = n / 2 + 1)) / 2
                   END AS value
            FROM ranked
        ), appeals AS (
            SELECT count(*) FILTER (WHERE action = @appeal_filed)::int AS filed,
                   count(*) FILTER (WHERE action = @appeal_decided)::int AS decided,
                   count(*) FILTER (WHERE action = @appeal_decided AND details ->> @outcome_key = @overturned)::int AS overturned
            FROM audit_log
            WHERE action IN (@appeal_filed, @appeal_decided) AND at >= @from AND at < @to
        )
        SELECT median.value, appeals.filed, appeals.decided, appeals.overturned FROM median, appeals
        """;

    public static async Task<TransparencyReport> RunAsync(NpgsqlDataSource dataSource, DateTimeOffset from, DateTimeOffset to)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(WithParameters(new NpgsqlBatchCommand(CountsSql), from, to));
        batch.BatchCommands.Add(WithParameters(new NpgsqlBatchCommand(SummarySql), from, to));

        var byKind = new[]
        {
            new Dictionary<string, int>(StringComparer.Ordinal),
            new Dictionary<string, int>(StringComparer.Ordinal),
            new Dictionary<string, int>(StringComparer.Ordinal),
        };
        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            byKind[reader.GetInt32(0)][reader.GetString(1)] = reader.GetInt32(2);
        }

        await reader.NextResultAsync().ConfigureAwait(false);
        await reader.ReadAsync().ConfigureAwait(false);
        double? median = reader.IsDBNull(0) ? null : reader.GetDouble(0);
        var (filed, decided, overturned) = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));

        return new TransparencyReport(
            from,
            to,
            byKind[0],
            byKind[1],
            byKind[2],
            median,
            filed,
            decided,
            overturned,
            decided == 0 ? null : (double)overturned / decided);
    }

    private static NpgsqlBatchCommand WithParameters(NpgsqlBatchCommand command, DateTimeOffset from, DateTimeOffset to)
    {
        // Action names and detail keys come from the same constants the grains write them with.
        var parameters = command.Parameters;
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("from", from.ToUniversalTime()));
        parameters.Add(new NpgsqlParameter<DateTimeOffset>("to", to.ToUniversalTime()));
        parameters.Add(new NpgsqlParameter<string>("flag_received", AuditActions.FlagReceived));
        parameters.Add(new NpgsqlParameter<string>("case_decided", AuditActions.CaseDecided));
        parameters.Add(new NpgsqlParameter<string>("appeal_filed", AuditActions.AppealFiled));
        parameters.Add(new NpgsqlParameter<string>("appeal_decided", AuditActions.AppealDecided));
        parameters.Add(new NpgsqlParameter<string>("reason_key", AuditDetailKeys.Reason));
        parameters.Add(new NpgsqlParameter<string>("outcome_key", AuditDetailKeys.Outcome));
        parameters.Add(new NpgsqlParameter<string>("sanction_key", AuditDetailKeys.Sanction));
        parameters.Add(new NpgsqlParameter<string>("seconds_key", AuditDetailKeys.SecondsToDecision));
        parameters.Add(new NpgsqlParameter<string>("overturned", WireNames.ToWire(AppealOutcome.Overturned)));
        return command;
    }
}
