using OrleansSafety.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddModerationCluster();
builder.AddGatewayServices(args);

var app = builder.Build();

app.UseGatewayPipeline();
app.MapGatewayEndpoints();

app.Run();

/// <summary>Public so that the tests' WebApplicationFactory can start the gateway.</summary>
public partial class Program;
