using Npgsql;
using OrleansSafety.Persistence;

namespace OrleansSafety.TestSupport;

/// <summary>
/// A database of one fixture or test class, so that runs and fixtures never see each other's rows (membership rows of
/// dead silos included). Silos migrate it when they start; <see cref="DataSource"/> is for the tests' own queries.
/// </summary>
public sealed class TestDatabase(PostgresServer server, string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;
    private int _disposed;

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    /// <summary>A pool of the tests' own on this database, created on first use and disposed with it.</summary>
    public NpgsqlDataSource DataSource => _dataSource ??= NpgsqlDataSource.Create(ConnectionString);

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<T>> ColumnAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<T>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetFieldValue<T>(0));
        }
        return values;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Creates the schema, as a silo does when it starts.</summary>
    public async Task MigrateAsync() => await new SchemaMigrator().MigrateAsync(DataSource);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
        await server.DropDatabaseAsync(Name);
    }
}
