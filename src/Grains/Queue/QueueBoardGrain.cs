using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSafety.Grains.Queue;

/// <summary>
/// Every partition's head, kept from the partitions' own reports. A claim used to ask all P partitions for their
/// heads (P grain calls, 8 by default: more than half the grain calls of a claim and a decision); it now asks this one
/// grain, and a partition sends one report when its head changes. Every method is one synchronous turn, so the grain
/// is reentrant: its refresh, which awaits the partitions, never holds up a claim.
/// </summary>
[Reentrant]
public sealed partial class QueueBoardGrain(IOptions<ModerationOptions> options, ILogger<QueueBoardGrain> logger) : Grain, IQueueBoardGrain
{
    private readonly ModerationOptions _options = options.Value;
    private PartitionHead?[] _heads = [];
    private QueueBoardView? _view;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _heads = new PartitionHead?[_options.QueuePartitions];
        await RefreshAsync(cancellationToken);
        // Reports are one-way and may be lost (a partition's silo failing, this grain moving): asking again on a
        // timer bounds how long a lost one can leave the view behind.
        this.RegisterGrainTimer(RefreshAsync, new GrainTimerCreationOptions(_options.QueueBoardRefreshInterval, _options.QueueBoardRefreshInterval));
    }

    public Task ReportHeadAsync(int partition, PartitionHead head)
    {
        Apply(partition, head);
        return Task.CompletedTask;
    }

    public Task<QueueBoardView> GetHeadsAsync() => Task.FromResult(_view ??= new QueueBoardView([.. _heads]));

    /// <summary>
    /// Asks every partition. One that cannot answer (its silo failing, storage down while it activates) keeps its last
    /// report, or has none, which makes claims ask it directly; either way the next refresh tries it again. A board
    /// that could not ask anyone still activates, so claims never fail for the board's sake.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var asked = Enumerable.Range(0, _heads.Length)
            .Select(p => GrainFactory.Get<IQueuePartitionGrain>(p).DescribeHeadAsync())
            .ToArray();
        try
        {
            await Task.WhenAll(asked);
        }
        catch (Exception error)
        {
            LogRefreshIncomplete(logger, asked.Count(a => !a.IsCompletedSuccessfully), error.GetType().Name);
        }
        for (var partition = 0; partition < asked.Length; partition++)
        {
            if (asked[partition].IsCompletedSuccessfully)
            {
                Apply(partition, await asked[partition]);
            }
        }
    }

    private void Apply(int partition, PartitionHead head)
    {
        if ((uint)partition < (uint)_heads.Length && head.Supersedes(_heads[partition]))
        {
            _heads[partition] = head;
            _view = null; // the next read takes a new snapshot; readers keep theirs (the view is immutable)
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue board could not ask {Partitions} partition(s) for their heads ({Error}); claims ask them directly until it can")]
    private static partial void LogRefreshIncomplete(ILogger logger, int partitions, string error);
}
