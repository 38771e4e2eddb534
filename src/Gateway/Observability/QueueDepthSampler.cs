using Microsoft.Extensions.Options;
using OrleansSafety.Gateway.Hosting;

namespace OrleansSafety.Gateway.Observability;

/// <summary>
/// Refreshes the queue gauges every few seconds. Sampling in the background, rather than at scrape time, keeps a
/// scrape from ever waiting on the cluster and bounds the load to one overview call per interval per gateway.
/// </summary>
internal sealed partial class QueueDepthSampler(
    IGrainFactory grains,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    TimeProvider time,
    ILogger<QueueDepthSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.QueueSampleInterval, time);
        do
        {
            try
            {
                var overview = await grains.Get<IWorkQueueGrain>(0).GetOverviewAsync(0).WaitAsync(stoppingToken);
                metrics.QueueSampled(overview);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The cluster may be starting or gone; the gauges keep their last value until the next sample.
                LogSampleFailed(logger, e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue depth sample failed: {ExceptionType}: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string exceptionType, string reason);
}
