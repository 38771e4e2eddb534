using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansSafety.Grains;

namespace OrleansSafety.Gateway.Hosting;

public enum ClusterMode
{
    /// <summary>A silo with in-memory storage runs inside the gateway process (one command runs everything).</summary>
    CoHosted,

    /// <summary>The gateway is an Orleans client of an external cluster.</summary>
    Client,
}

/// <summary>How this process reached the cluster, for the parts of the pipeline that depend on it.</summary>
public sealed record ClusterHostingInfo(ClusterMode Mode, bool Dashboard);

/// <summary>
/// The one place that decides how the gateway reaches Orleans. Configuration (section "Orleans"):
/// <c>Mode</c> (<c>cohosted</c> | <c>client</c>; client is implied when <c>ConnectionStrings:Postgres</c> is set),
/// <c>ClusterId</c>, <c>ServiceId</c>, <c>SiloPort</c>, <c>GatewayPort</c>, <c>Dashboard</c>, <c>ResponseTimeout</c>.
/// </summary>
public static class ClusterHosting
{
    public const string SectionName = "Orleans";

    public static ClusterHostingInfo AddModerationCluster(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var section = configuration.GetSection(SectionName);
        var clusterId = section["ClusterId"] ?? "orleans-safety-dev";
        var serviceId = section["ServiceId"] ?? "orleans-safety";
        var gatewayPort = section.GetValue("GatewayPort", 30000);
        var mode = ResolveMode(configuration);
        var info = new ClusterHostingInfo(mode, mode == ClusterMode.CoHosted && section.GetValue("Dashboard", true));

        if (mode == ClusterMode.Client)
        {
            builder.UseOrleansClient(client =>
            {
                // ── PostgreSQL plug-in point (client) ──────────────────────────────────────────────────────────
                // When src/Persistence lands, replace the localhost clustering below with
                //     client.UseModerationClustering(configuration);
                // (membership read from PostgreSQL, ClusterOptions from configuration).
                client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
                // ────────────────────────────────────────────────────────────────────────────────────────────────
                // A call to a dead gateway otherwise hangs for the default 30 s; fail fast and answer 503 instead.
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = section.GetValue("ResponseTimeout", TimeSpan.FromSeconds(10)));
            });
        }
        else
        {
            builder.UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(section.GetValue("SiloPort", 11111), gatewayPort, serviceId: serviceId, clusterId: clusterId)
                    .AddModerationGrains(configuration);
                // ── PostgreSQL plug-in point (silo) ────────────────────────────────────────────────────────────
                // A co-hosted silo keeps everything in memory. To co-host on PostgreSQL instead, replace this with
                //     silo.UseModerationStorage(configuration);
                silo.UseInMemoryModerationStorage();
                // ────────────────────────────────────────────────────────────────────────────────────────────────
                if (info.Dashboard)
                {
                    silo.AddDashboard();
                }
            });
        }

        builder.Services.AddSingleton(info);
        return info;
    }

    public static ClusterMode ResolveMode(IConfiguration configuration)
    {
        var mode = configuration[$"{SectionName}:Mode"];
        if (string.Equals(mode, "client", StringComparison.OrdinalIgnoreCase))
        {
            return ClusterMode.Client;
        }
        if (string.Equals(mode, "cohosted", StringComparison.OrdinalIgnoreCase))
        {
            return ClusterMode.CoHosted;
        }
        if (mode is not null)
        {
            throw new InvalidOperationException($"Orleans:Mode must be 'cohosted' or 'client', not '{mode}'.");
        }
        // A database means a real deployment, where silos run as their own processes.
        return string.IsNullOrEmpty(configuration.GetConnectionString("Postgres")) ? ClusterMode.CoHosted : ClusterMode.Client;
    }
}
