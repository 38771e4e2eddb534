namespace OrleansSafety.Durable.Tests.Infrastructure;

/// <summary>
/// Every test class joins this collection: one PostgreSQL server for the run, and the classes run one after another
/// (each on its own database and cluster ids), which keeps timings on a 2-core machine stable.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DurableCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Durable on PostgreSQL";
}
