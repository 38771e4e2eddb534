# syntax=docker/dockerfile:1
# The silo image: src/Silo, published in Release with the .NET SDK and run on the plain .NET runtime.
#   docker build -f deploy/silo.Dockerfile -t orleanssafety-silo .        (context: the repository root)
# The same image runs the one-shot schema migration: `docker run … orleanssafety-silo migrate`.
# Configuration is by environment only (see README and docs/DURABILITY.md): ConnectionStrings__Postgres,
# Orleans__ClusterId, Orleans__ServiceId, Orleans__SiloPort, Orleans__GatewayPort, Orleans__AdvertisedIP.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore from the project files alone, so this layer is reused until a dependency changes.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Persistence/Persistence.csproj src/Persistence/
COPY src/Silo/Silo.csproj src/Silo/
RUN dotnet restore src/Silo/Silo.csproj
COPY src/Contracts/ src/Contracts/
COPY src/Grains/ src/Grains/
COPY src/Persistence/ src/Persistence/
COPY src/Silo/ src/Silo/
RUN dotnet publish src/Silo/Silo.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/runtime:10.0
WORKDIR /app
COPY --from=build /app ./
ENV DOTNET_ENVIRONMENT=Production \
    Orleans__SiloPort=11111 \
    Orleans__GatewayPort=30000 \
    Logging__Console__FormatterName=simple \
    Logging__Console__FormatterOptions__SingleLine=true
# Silo-to-silo traffic, and the gateway port Orleans clients (the HTTP gateway) connect to.
EXPOSE 11111 30000
# Healthy once the silo has joined its cluster: Orleans opens the client gateway port only then.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=12 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${Orleans__GatewayPort:-30000}"]
USER $APP_UID
ENTRYPOINT ["dotnet", "OrleansSafety.Silo.dll"]
