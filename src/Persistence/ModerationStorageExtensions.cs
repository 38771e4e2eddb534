using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using OrleansSafety.Grains;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Persistence;

/// <summary>
/// Puts a silo or client on PostgreSQL when the connection string "Postgres" is configured
/// (<c>ConnectionStrings:Postgres</c>, or the environment variable <c>ConnectionStrings__Postgres</c>).
/// </summary>
public static class ModerationStorageExtensions
{
    /// <summary>The name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>Whether the configuration names a PostgreSQL database (so hosts can decide, e.g., on health checks).</summary>
    public static bool HasPostgres(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName));

    /// <summary>
    /// With a connection string: cluster membership, grain storage <see cref="ModerationSiloExtensions.StorageName"/>,
    /// reminders, the chat journal, the audit log, the queue index and the user records all in PostgreSQL, and (unless <c>Storage:MigrateOnStart</c>
    /// is false) the schema migrated before the silo uses it. Without one: the in-memory mode
    /// (<see cref="ModerationSiloExtensions.UseInMemoryModerationStorage"/>); clustering is then the host's choice.
    /// Works before or after <see cref="ModerationSiloExtensions.AddModerationGrains"/>.
    /// </summary>
    public static ISiloBuilder UseModerationStorage(this ISiloBuilder silo, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!HasPostgres(configuration))
        {
            return silo.UseInMemoryModerationStorage();
        }

        var services = silo.Services;
        if (services.Any(d => d.ServiceType == typeof(SiloStorageMarker)))
        {
            return silo; // already configured: registering twice would run migrations and flushes twice
        }
        services.AddSingleton<SiloStorageMarker>();
        AddDatabase(services, configuration);

        silo.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringSiloOptions> options) =>
            options.Configure<ModerationDatabase>((o, db) => (o.Invariant, o.DataSource) = (ModerationDatabase.Invariant, db.DataSource)));

        AddGrainStorage(silo, configuration);

        silo.UseAdoNetReminderService((OptionsBuilder<AdoNetReminderTableOptions> options) =>
            options.Configure<ModerationDatabase>((o, db) => (o.Invariant, o.DataSource) = (ModerationDatabase.Invariant, db.DataSource)));

        services.TryAddSingleton(sp => new SchemaMigrator(sp.GetService<ILogger<SchemaMigrator>>()));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SiloStartupMigration>();

        // Replace whatever journal and audit log are registered (AddModerationGrains' in-memory ones when it ran
        // first); when it runs later, its TryAdd finds ours and keeps them.
        services.TryAddSingleton(sp => new PostgresChatJournal(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.Journal,
            sp.GetService<ILogger<PostgresChatJournal>>()));
        services.RemoveAll<IChatJournal>();
        services.AddSingleton<IChatJournal>(sp => sp.GetRequiredService<PostgresChatJournal>());

        services.TryAddSingleton(sp => new SharedGroupCommit(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.SharedCommit,
            sp.GetService<ILogger<SharedGroupCommit>>()));

        services.TryAddSingleton(sp => new PostgresAuditLog(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.Audit,
            sp.GetService<ILogger<PostgresAuditLog>>(),
            SharedCommitOf(sp)));
        services.RemoveAll<IAuditLog>();
        services.AddSingleton<IAuditLog>(sp => sp.GetRequiredService<PostgresAuditLog>());

        services.TryAddSingleton(sp => new PostgresQueueIndexStore(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.QueueIndex,
            sp.GetService<ILogger<PostgresQueueIndexStore>>(),
            SharedCommitOf(sp)));
        services.RemoveAll<IQueueIndexStore>();
        services.AddSingleton<IQueueIndexStore>(sp => sp.GetRequiredService<PostgresQueueIndexStore>());

        services.TryAddSingleton(sp => new PostgresUserRecordStore(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<Serializer>(),
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.UserRecords,
            sp.GetService<ILogger<PostgresUserRecordStore>>(),
            SharedCommitOf(sp)));
        services.RemoveAll<IUserRecordStore>();
        services.AddSingleton<IUserRecordStore>(sp => sp.GetRequiredService<PostgresUserRecordStore>());

        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, GroupCommitLifecycle>();
        return silo;
    }

    /// <summary>
    /// Grain state in <c>orleans_storage</c>, serialized with Orleans' own binary serializer rather than the default
    /// Newtonsoft JSON: it reads the [GenerateSerializer] / [Id] / [Alias] contracts the state types already have
    /// for messaging, so renaming or moving a state class keeps old rows readable (the JSON serializer writes CLR
    /// type names into every row), and it is smaller and faster. The price: rows are not human-readable in psql.
    /// Writes are group-committed (<see cref="PostgresGrainStorage"/>) unless <c>Storage:GrainState:GroupCommit</c>
    /// is false, which puts back Orleans' AdoNet provider (a transaction per write; same rows and versions).
    /// </summary>
    private static void AddGrainStorage(ISiloBuilder silo, IConfiguration configuration)
    {
        var groupCommit = configuration.GetValue(
            $"{PostgresStorageOptions.SectionName}:{nameof(PostgresStorageOptions.GrainState)}:{nameof(GrainStateOptions.GroupCommit)}", true);
        if (!groupCommit)
        {
            silo.AddAdoNetGrainStorage(ModerationSiloExtensions.StorageName, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
                options.Configure<ModerationDatabase, Serializer>((o, db, serializer) =>
                {
                    o.Invariant = ModerationDatabase.Invariant;
                    o.DataSource = db.DataSource;
                    o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
                }));
            return;
        }
        silo.Services.TryAddSingleton(sp => new PostgresGrainStorage(
            sp.GetRequiredService<ModerationDatabase>().DataSource,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            new ExactSizeGrainStorageSerializer(sp.GetRequiredService<Serializer>()),
            sp.GetRequiredService<IActivatorProvider>(),
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.GrainState,
            sp.GetService<ILogger<PostgresGrainStorage>>(),
            SharedCommitOf(sp)));
        silo.Services.AddGrainStorage(ModerationSiloExtensions.StorageName, (sp, _) => sp.GetRequiredService<PostgresGrainStorage>());
    }

    /// <summary>The committer the moderation stores share, or null when each commits its own batches (Storage:SharedCommit:Enabled).</summary>
    internal static SharedGroupCommit? SharedCommitOf(IServiceProvider services) =>
        services.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.SharedCommit.Enabled
            ? services.GetRequiredService<SharedGroupCommit>()
            : null;

    /// <summary>
    /// With a connection string: the client finds gateways in the PostgreSQL membership table. Without one it
    /// leaves clustering to the host (localhost clustering in development).
    /// </summary>
    public static IClientBuilder UseModerationClustering(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(configuration);
        if (!HasPostgres(configuration))
        {
            return client;
        }
        AddDatabase(client.Services, configuration);
        return client.UseAdoNetClustering((OptionsBuilder<AdoNetClusteringClientOptions> options) =>
            options.Configure<ModerationDatabase>((o, db) => (o.Invariant, o.DataSource) = (ModerationDatabase.Invariant, db.DataSource)));
    }

    /// <summary>The options and the one pool of the process, shared by a co-hosted silo and client.</summary>
    private static void AddDatabase(IServiceCollection services, IConfiguration configuration)
    {
        // A database exception a silo cannot catch in a grain call filter (a grain failing to read its state while
        // activating) travels to the caller: serialize it as an exception (type, message) rather than failing with
        // CodecNotFoundException, so the gateway can tell a storage fault (503, retry) from a bug.
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Npgsql"));
        var section = configuration.GetSection(PostgresStorageOptions.SectionName);
        services.AddOptions<PostgresStorageOptions>().Bind(section);
        services.TryAddSingleton(sp => new ModerationDatabase(
            configuration.GetConnectionString(ConnectionStringName)!,
            sp.GetRequiredService<IOptions<PostgresStorageOptions>>().Value.MaxPoolSize));
    }

    /// <summary>Marks a service collection whose silo storage is configured.</summary>
    private sealed class SiloStorageMarker;
}
