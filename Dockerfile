# The Fjord broker image (azd's broker-N services build it; the context is the repository root).
# Configuration comes from the environment only: FJORD_<PROPERTY> → <property> (README "Broker configuration").

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# The project files first, so a code change does not throw away the restored packages.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY broker/src/Fjord.Protocol/Fjord.Protocol.csproj broker/src/Fjord.Protocol/
COPY broker/src/Fjord.Log/Fjord.Log.csproj broker/src/Fjord.Log/
COPY broker/src/Fjord.Cluster/Fjord.Cluster.csproj broker/src/Fjord.Cluster/
COPY broker/src/Fjord.Tiering/Fjord.Tiering.csproj broker/src/Fjord.Tiering/
COPY broker/src/Fjord.Controller/Fjord.Controller.csproj broker/src/Fjord.Controller/
COPY broker/src/Fjord.Groups/Fjord.Groups.csproj broker/src/Fjord.Groups/
COPY broker/src/Fjord.Transactions/Fjord.Transactions.csproj broker/src/Fjord.Transactions/
COPY broker/src/Fjord.Security/Fjord.Security.csproj broker/src/Fjord.Security/
COPY broker/src/Fjord.Broker/Fjord.Broker.csproj broker/src/Fjord.Broker/
RUN dotnet restore broker/src/Fjord.Broker/Fjord.Broker.csproj
COPY broker/src/ broker/src/
RUN dotnet publish broker/src/Fjord.Broker/Fjord.Broker.csproj -c Release --no-restore -o /app -p:UseAppHost=false

# aspnet, not runtime: the broker's operator endpoint (fjord.admin.listener) is Kestrel.
FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
# The hot log; the image's non-root user (app) must own it.
RUN mkdir -p /var/lib/fjord/logs && chown app:app /var/lib/fjord/logs
VOLUME ["/var/lib/fjord/logs"]
ENV FJORD_LOG_DIRS=/var/lib/fjord/logs \
    FJORD_FJORD_ADMIN_LISTENER=http://0.0.0.0:8080
USER app
# 9093: the Kafka listener (SASL_SSL); 8080: the operator endpoint with the health routes.
EXPOSE 9093 8080
# No curl in the image: bash's /dev/tcp asks the operator endpoint whether the broker is ready to serve.
# Twelve tries instead of --start-period, which dockerfilelint 1.8 misreads; Container Apps probes on its own.
HEALTHCHECK --interval=10s --timeout=3s --retries=12 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "Fjord.Broker.dll"]
