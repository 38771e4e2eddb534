using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OrleansSafety.Persistence;

/// <summary>
/// Ready only when PostgreSQL answers a query through the process's pool (for /health/ready). Registered by the
/// host when a connection string is configured: <c>AddHealthChecks().AddCheck&lt;PostgresHealthCheck&gt;("postgres")</c>;
/// it needs the <see cref="ModerationDatabase"/> that UseModerationStorage / UseModerationClustering register.
/// </summary>
public sealed class PostgresHealthCheck(ModerationDatabase database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = database.DataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, "PostgreSQL does not answer", ex);
        }
    }
}
