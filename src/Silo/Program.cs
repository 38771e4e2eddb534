using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSafety.Persistence;
using OrleansSafety.Silo;

var builder = Host.CreateApplicationBuilder(args);

if (args is ["migrate", ..])
{
    // `dotnet run --project src/Silo -- migrate`: create or upgrade the schema, then exit. Safe to repeat.
    var connectionString = builder.Configuration.GetConnectionString(ModerationStorageExtensions.ConnectionStringName)
        ?? throw new InvalidOperationException("Set ConnectionStrings__Postgres to the database to migrate.");
    var applied = await new SchemaMigrator().MigrateAsync(connectionString);
    Console.WriteLine(applied.Count == 0 ? "Schema is up to date." : $"Applied: {string.Join(", ", applied)}");
    return;
}

builder.UseOrleans(silo => silo.UseModerationSilo(builder.Configuration));
builder.Services.AddHostedService<SiloReadyLog>();

using var host = builder.Build();
await host.RunAsync();
