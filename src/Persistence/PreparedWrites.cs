using Npgsql;

namespace OrleansSafety.Persistence;

/// <summary>
/// One store's share of a group-committed batch: the statements that store its writes, and, for a store that learns
/// from the answer which writes took effect (grain state's version checks), how to read that answer. Statements of
/// several stores run together in one <see cref="NpgsqlBatch"/>: one round trip, one implicit transaction.
/// </summary>
/// <param name="Commands">The statements, in the order they must run.</param>
/// <param name="ReadRefusals">
/// Reads the rows of the part's single statement and answers, by the write's index within the part, the writes
/// refused and why. Null: the statements return nothing and refuse nothing.
/// </param>
internal sealed record PreparedWrites(
    IReadOnlyList<NpgsqlBatchCommand> Commands,
    Func<NpgsqlDataReader, Task<IReadOnlyDictionary<int, Exception>>>? ReadRefusals = null)
{
    /// <summary>For parts whose writes all succeed together.</summary>
    internal static readonly IReadOnlyDictionary<int, Exception> NoneRefused = new Dictionary<int, Exception>();

    /// <summary>
    /// Runs the parts' statements in one batch and answers each part's refusals, in the parts' order. At most one
    /// part may read an answer; its statement runs first so the reader starts on its rows. Any statement's error
    /// rolls the whole batch back and is thrown.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, Exception>[]> ExecuteAsync(NpgsqlDataSource dataSource, IReadOnlyList<PreparedWrites> parts)
    {
        var reading = parts.Where(p => p.ReadRefusals is not null).ToList();
        if (reading.Count > 1 || reading.Any(p => p.Commands.Count != 1))
        {
            throw new InvalidOperationException("At most one part of a batch may read an answer, and from one statement.");
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var command in reading.Concat(parts.Where(p => p.ReadRefusals is null)).SelectMany(p => p.Commands))
        {
            batch.BatchCommands.Add(command);
        }
        var answers = parts.Select(_ => NoneRefused).ToArray();
        if (reading.Count == 0)
        {
            await batch.ExecuteNonQueryAsync().ConfigureAwait(false);
            return answers;
        }

        await using var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
        var answer = await reading[0].ReadRefusals!(reader).ConfigureAwait(false);
        // The other statements' outcomes (an error among them rolls everything back) come after the rows read.
        while (await reader.NextResultAsync().ConfigureAwait(false))
        {
        }
        answers[IndexOf(parts, reading[0])] = answer;
        return answers;
    }

    private static int IndexOf(IReadOnlyList<PreparedWrites> parts, PreparedWrites part)
    {
        for (var i = 0; i < parts.Count; i++)
        {
            if (ReferenceEquals(parts[i], part))
            {
                return i;
            }
        }
        throw new ArgumentException("Not one of the parts.", nameof(part));
    }
}
