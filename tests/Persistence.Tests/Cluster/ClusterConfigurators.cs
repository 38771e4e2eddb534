using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using OrleansSafety.Grains;

namespace OrleansSafety.Persistence.Tests.Cluster;

/// <summary>Silos configured as the Silo host does: storage first, then the domain (whose TryAdds keep ours).</summary>
public sealed class PostgresSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.UseModerationStorage(siloBuilder.Configuration);
        siloBuilder.AddModerationGrains(siloBuilder.Configuration);
    }
}

public sealed class PostgresClientConfigurator : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.UseModerationClustering(configuration);
}
