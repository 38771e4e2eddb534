using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrleansSafety.Grains;
using OrleansSafety.Silo;

var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddModerationGrains(builder.Configuration)
    .UseInMemoryModerationStorage());
builder.Services.AddHostedService<SiloReadyLog>();

using var host = builder.Build();
await host.RunAsync();
