using System.Net;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
using OrleansSafety.Grains;
using OrleansSafety.Persistence;

namespace OrleansSafety.Silo;

/// <summary>
/// How a standalone silo joins its cluster. Configuration section "Orleans": <c>ClusterId</c>, <c>ServiceId</c>,
/// <c>SiloPort</c> (11111), <c>GatewayPort</c> (30000), <c>AdvertisedIP</c> (127.0.0.1), and
/// <c>FastFailureDetection</c> (true: a dead silo is declared dead in about 2–3 s instead of 10–14 s), and
/// <c>LoadSheddingCpuThreshold</c> (unset: off).
/// With <c>ConnectionStrings:Postgres</c> set, membership, grain state, reminders, chat and audit live in
/// PostgreSQL; without it the silo runs alone on localhost with everything in memory.
/// </summary>
internal static class SiloHosting
{
    public static ISiloBuilder UseModerationSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var section = configuration.GetSection("Orleans");
        var siloPort = section.GetValue("SiloPort", 11111);
        var gatewayPort = section.GetValue("GatewayPort", 30000);

        silo.AddModerationGrains(configuration);
        if (ModerationStorageExtensions.HasPostgres(configuration))
        {
            var advertised = IPAddress.Parse(section["AdvertisedIP"] ?? "127.0.0.1");
            silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAnyHostAddress: true);
            silo.UseModerationStorage(configuration);
        }
        else
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort).UseInMemoryModerationStorage();
        }
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = section["ClusterId"] is { Length: > 0 } clusterId ? clusterId : options.ClusterId;
            options.ServiceId = section["ServiceId"] is { Length: > 0 } serviceId ? serviceId : options.ServiceId;
        });
        if (section.GetValue<int?>("LoadSheddingCpuThreshold") is { } threshold)
        {
            // Off by default: on a small box the load tests run the CPU at 100 % on purpose. Where silos have
            // their own machines, shedding refuses new client calls early (the gateway answers 503 + Retry-After)
            // instead of letting every queued call time out.
            silo.Configure<LoadSheddingOptions>(options => (options.LoadSheddingEnabled, options.CpuThreshold) = (true, threshold));
        }
        if (section.GetValue("FastFailureDetection", true))
        {
            // FACTS.md: defaults take 10–14 s to declare a killed silo dead; 1 s probes with 2 misses take ~2–3 s.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.NumVotesForDeathDeclaration = 1;
                // After a whole-cluster crash, new silos wait for the dead ones' table heartbeats to go stale
                // (90 s by default) before they stop trying to reach them.
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
                options.NumMissedTableIAmAliveLimit = 2;
            });
        }
        return silo;
    }
}
