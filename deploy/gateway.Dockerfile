# syntax=docker/dockerfile:1
# The HTTP gateway image: src/Gateway, published in Release with the .NET SDK and run on the ASP.NET Core runtime.
#   docker build -f deploy/gateway.Dockerfile -t orleanssafety-gateway .   (context: the repository root)
# In a deployment it runs as an Orleans client of the silos (Orleans__Mode=client), finding them in PostgreSQL's
# membership table (ConnectionStrings__Postgres, Orleans__ClusterId, Orleans__ServiceId). It listens on 8080.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Contracts/Contracts.csproj src/Contracts/
COPY src/Grains/Grains.csproj src/Grains/
COPY src/Persistence/Persistence.csproj src/Persistence/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj
COPY src/Contracts/ src/Contracts/
COPY src/Grains/ src/Grains/
COPY src/Persistence/ src/Persistence/
COPY src/Gateway/ src/Gateway/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Orleans__Mode=client \
    Logging__Console__FormatterName=simple \
    Logging__Console__FormatterOptions__SingleLine=true
EXPOSE 8080
# Ready means the cluster and PostgreSQL both answer (GET /health/ready is 200 only then). The image has no curl,
# so bash speaks HTTP/1.0 over /dev/tcp.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=12 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
USER $APP_UID
ENTRYPOINT ["dotnet", "OrleansSafety.Gateway.dll"]
