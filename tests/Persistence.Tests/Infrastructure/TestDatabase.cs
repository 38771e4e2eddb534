using Npgsql;

namespace OrleansSafety.Persistence.Tests.Infrastructure;

/// <summary>A database of its own for one test class, so that runs and classes never see each other's rows.</summary>
public sealed class TestDatabase(PostgresServer server, string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>A pool on this database, created on first use and disposed with it.</summary>
    public NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    public async Task MigrateAsync() => await new SchemaMigrator().MigrateAsync(DataSource);

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await server.DropDatabaseAsync(Name);
    }
}
