using Microsoft.Extensions.Options;

namespace OrleansSafety.Persistence;

/// <summary>
/// Runs <see cref="SchemaMigrator"/> as the first step of silo start-up (<see cref="ServiceLifecycleStage.First"/>),
/// so the schema and stored queries exist before the membership table, grain storage and reminder table read
/// them (RuntimeInitialize and later stages). A silo lifecycle stage is used rather than an IHostedService because
/// UseOrleans registers the silo's hosted service before the configuration callback could register ours, and
/// hosted services start in registration order. A failed migration fails the silo's start.
/// </summary>
internal sealed class SiloStartupMigration(ModerationDatabase database, SchemaMigrator migrator, IOptions<PostgresStorageOptions> options)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        if (options.Value.MigrateOnStart)
        {
            lifecycle.Subscribe(nameof(SiloStartupMigration), ServiceLifecycleStage.First, MigrateAsync);
        }
    }

    private async Task MigrateAsync(CancellationToken cancellationToken) =>
        await migrator.MigrateAsync(database.DataSource, cancellationToken).ConfigureAwait(false);
}
