namespace OrleansSafety.Persistence.Tests.Infrastructure;

/// <summary>
/// Every test class that needs PostgreSQL joins this collection: one server for the run, started once, and the
/// classes run one after another (each on its own database), which keeps the 2-core machine's timings stable.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}
