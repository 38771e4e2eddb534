using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansSafety.Grains;
using OrleansSafety.Persistence;

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
        var gatewayPort = section.GetValue("GatewayPort", 30000);
        var mode = ResolveMode(configuration);
        var info = new ClusterHostingInfo(mode, mode == ClusterMode.CoHosted && section.GetValue("Dashboard", true));

        if (mode == ClusterMode.Client)
        {
            builder.UseOrleansClient(client =>
            {
                // With PostgreSQL the gateways of the silos are read from the membership table; without it, the
                // localhost silo of `dotnet run --project src/Silo`.
                if (ModerationStorageExtensions.HasPostgres(configuration))
                {
                    client.UseModerationClustering(configuration);
                }
                else
                {
                    client.UseLocalhostClustering(gatewayPort);
                }
                // A call to a dead gateway otherwise hangs for the default 30 s; fail fast and answer 503 instead.
                client.Services.Configure<ClusterOptions>(o => ApplyClusterIds(o, section));
                client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = section.GetValue("ResponseTimeout", TimeSpan.FromSeconds(10)));
            });
        }
        else
        {
            builder.UseOrleans(silo =>
            {
                var siloPort = section.GetValue("SiloPort", 11111);
                if (ModerationStorageExtensions.HasPostgres(configuration))
                {
                    // Co-hosting on PostgreSQL (Orleans:Mode=cohosted with a database): membership comes from there.
                    silo.ConfigureEndpoints(System.Net.IPAddress.Loopback, siloPort, gatewayPort);
                }
                else
                {
                    silo.UseLocalhostClustering(siloPort, gatewayPort);
                }
                silo.AddModerationGrains(configuration);
                silo.Services.Configure<ClusterOptions>(o => ApplyClusterIds(o, section));
                silo.UseModerationStorage(configuration);
                if (info.Dashboard)
                {
                    silo.AddDashboard();
                }
            });
        }

        builder.Services.AddSingleton(info);
        return info;
    }

    /// <summary>
    /// Client and silos must agree on these; when they are not configured, Orleans' own localhost defaults apply
    /// on both sides (as in src/Silo), so a plain `dotnet run` of each finds the other.
    /// </summary>
    private static void ApplyClusterIds(ClusterOptions options, IConfigurationSection section)
    {
        if (section["ClusterId"] is { Length: > 0 } clusterId)
        {
            options.ClusterId = clusterId;
        }
        if (section["ServiceId"] is { Length: > 0 } serviceId)
        {
            options.ServiceId = serviceId;
        }
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
