using OrleansSafety.Persistence.Tests.Infrastructure;

namespace OrleansSafety.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class MigrationTests(PostgresServer server) : IAsyncLifetime
{
    // Tables, columns, indexes and constraints: what a second run must leave exactly as the first did.
    private const string SchemaFingerprintSql = """
        SELECT string_agg(item, E'\n' ORDER BY item) FROM (
            SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS item
            FROM information_schema.columns WHERE table_schema = 'public'
            UNION ALL
            SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
            UNION ALL
            SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid))
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            UNION ALL
            SELECT format('query %s %s', querykey, md5(querytext)) FROM orleansquery
        ) AS schema
        """;

    private TestDatabase _db = null!;

    public async Task InitializeAsync() => _db = await server.CreateDatabaseAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Migrating_twice_applies_everything_once_and_then_nothing()
    {
        var migrator = new SchemaMigrator();

        var first = await migrator.MigrateAsync(_db.ConnectionString);
        var schemaAfterFirst = await _db.ScalarAsync<string>(SchemaFingerprintSql);
        var second = await migrator.MigrateAsync(_db.ConnectionString);
        var schemaAfterSecond = await _db.ScalarAsync<string>(SchemaFingerprintSql);

        Assert.Equal(SchemaMigrator.ScriptNames, first);
        Assert.StartsWith("0001_", first[0], StringComparison.Ordinal);
        Assert.Empty(second);
        Assert.Equal(schemaAfterFirst, schemaAfterSecond);
        Assert.Equal((long)SchemaMigrator.ScriptNames.Count, await _db.ScalarAsync<long>($"SELECT count(*) FROM {SchemaMigrator.JournalTable}"));
    }

    [Fact]
    public async Task Concurrent_migrators_do_not_collide()
    {
        var migrator = new SchemaMigrator();

        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => migrator.MigrateAsync(_db.ConnectionString)));

        // The advisory lock lets one run apply the scripts; the others find nothing left to do.
        Assert.Equal(SchemaMigrator.ScriptNames.Count, runs.Sum(r => r.Count));
    }

    [Fact]
    public async Task Every_query_key_the_providers_read_is_installed()
    {
        await _db.MigrateAsync();
        string[] required =
        [
            // Microsoft.Orleans.Clustering.AdoNet 10.4.2 (all required by its DbStoredQueries)
            "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
            "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
            "CleanupDefunctSiloEntriesKey",
            // Microsoft.Orleans.Persistence.AdoNet 10.4.2
            "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
            // Microsoft.Orleans.Reminders.AdoNet 10.4.2
            "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
            "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        ];

        var installed = (await _db.ScalarAsync<string>("SELECT string_agg(querykey, ',' ORDER BY querykey) FROM orleansquery")).Split(',');

        Assert.Equal(required.Order(StringComparer.Ordinal), installed);
    }
}
