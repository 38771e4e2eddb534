using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansSafety.Grains.Storage;

namespace OrleansSafety.Grains;

public static class ModerationSiloExtensions
{
    /// <summary>Grain storage name used by every grain of the domain.</summary>
    public const string StorageName = "moderation";

    /// <summary>
    /// Adds the moderation domain to a silo: its options (section "Moderation"), its clock, and the in-memory chat
    /// journal, audit log, queue index and user records unless durable ones were registered already. Grain storage and reminders are the
    /// host's choice: <see cref="UseInMemoryModerationStorage"/> or the PostgreSQL provider.
    /// </summary>
    public static ISiloBuilder AddModerationGrains(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddOptions<ModerationOptions>().Bind(configuration.GetSection(ModerationOptions.SectionName));
        silo.Services.TryAddSingleton(ModerationClock.System);
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<ModerationMetrics>();
        silo.Services.TryAddSingleton<IChatJournal, InMemoryChatJournal>();
        silo.Services.TryAddSingleton<IAuditLog, InMemoryAuditLog>();
        silo.Services.TryAddSingleton<IQueueIndexStore, InMemoryQueueIndexStore>();
        silo.Services.TryAddSingleton<IUserRecordStore, InMemoryUserRecordStore>();
        silo.AddIncomingGrainCallFilter<StorageFaultFilter>();
        return silo;
    }

    /// <summary>The no-database mode: grain state and reminders live in silo memory.</summary>
    public static ISiloBuilder UseInMemoryModerationStorage(this ISiloBuilder silo) =>
        silo.AddMemoryGrainStorage(StorageName).UseInMemoryReminderService();
}
