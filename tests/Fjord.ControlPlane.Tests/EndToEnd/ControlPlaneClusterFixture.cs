using System.Net.Http.Headers;
using Azure.Data.Tables;
using Confluent.Kafka;
using Fjord.ControlPlane.ApiKeys;
using Fjord.Functions;
using Fjord.Functions.Certificates;
using Fjord.Functions.Cluster;
using Fjord.Functions.Groups;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Topics;
using Fjord.Testing;
using Microsoft.AspNetCore.Builder;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// One broker with tenancy, SASL_SSL and ACLs on Azurite, and the local control plane over the very tables the
/// broker reads, so what the API writes is what the broker enforces. ANONYMOUS (the kit's PLAINTEXT port) is a
/// super user so the kit's readiness checks pass; tenants' clients log in over SASL_SSL with SCRAM-SHA-512, or over
/// MTLS (SSL, client certificate required, <c>CN=user,O=tenant</c> → <c>tenant.user</c>) with certificates the
/// control plane signs with the test CA.
/// </summary>
public sealed class ControlPlaneClusterFixture : IAsyncLifetime
{
    private const string SaslListener = "SASL_SSL";
    private const string MtlsListener = "MTLS";

    private readonly AzuriteFixture _azurite = new();
    private readonly TestSecurity _security = new();
    private FjordTestCluster? _cluster;
    private WebApplication? _app;

    public FjordTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public Uri BaseAddress { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    /// <summary>Where the broker publishes partition stats for the lag endpoints.</summary>
    public string PartitionStatsTable { get; } = FjordTestCluster.NewTableName();

    public string SaslBootstrap => TestSecurity.Endpoint(Cluster.InProcess().AdvertisedListeners, SaslListener);

    public string MtlsBootstrap => TestSecurity.Endpoint(Cluster.InProcess().AdvertisedListeners, MtlsListener);

    /// <summary>The revoked certificates: written by the control plane, read by the broker.</summary>
    public string RevocationTable { get; } = FjordTestCluster.NewTableName();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var settings = _security.BrokerSettings($"PLAINTEXT://127.0.0.1:0,{SaslListener}://127.0.0.1:0,{MtlsListener}://127.0.0.1:0", SaslListener, extraSuperUsers: "User:ANONYMOUS");
        settings["listener.security.protocol.map"] = $"PLAINTEXT:PLAINTEXT,{SaslListener}:SASL_SSL,{MtlsListener}:SSL";
        settings["listener.name.mtls.ssl.client.auth"] = "required";
        settings["listener.name.mtls.ssl.principal.mapping.rules"] = "RULE:^CN=(.*?),O=(.*?)$/$2.$1/";
        settings["fjord.certificate.revocation.table"] = RevocationTable;
        settings["group.initial.rebalance.delay.ms"] = "0";
        settings["auto.create.topics.enable"] = "false";
        settings["offsets.topic.replication.factor"] = "1";
        // Lag figures follow within half a second instead of the default five.
        settings["fjord.partition.stats.interval.ms"] = "500";
        settings["fjord.partition.stats.table"] = PartitionStatsTable;
        _cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions { Brokers = 1, Azurite = _azurite.Host, Settings = settings });

        var apiKeyTable = FjordTestCluster.NewTableName();
        _app = LocalControlPlane.Build(
        [
            "--urls", LocalControlPlane.DefaultUrls,
            $"--{ControlPlaneSettings.TableConnectionSetting}={_azurite.ConnectionString}",
            $"--{ControlPlaneSettings.TenantTableSetting}={_cluster.TenantTable}",
            $"--{ControlPlaneSettings.ScramTableSetting}={_cluster.ScramTable}",
            $"--{ControlPlaneSettings.AclTableSetting}={_cluster.AclTable}",
            $"--{ControlPlaneSettings.ApiKeyTableSetting}={apiKeyTable}",
            $"--{TopicServiceCollectionExtensions.MetadataTableSetting}={_cluster.MetadataTable}",
            $"--{ClusterFunctions.BootstrapServersSetting}={SaslBootstrap}",
            $"--{GroupServiceCollectionExtensions.OffsetsTableSetting}={_cluster.OffsetsTable}",
            $"--{GroupServiceCollectionExtensions.PartitionStatsTableSetting}={PartitionStatsTable}",
            $"--{ClusterFunctions.CaCertificatePathSetting}={_security.Files.CaCertificatePath}",
            $"--{CertificateServiceCollectionExtensions.CaKeyPathSetting}={_security.Files.CaKeyPath}",
            $"--{CertificateServiceCollectionExtensions.CertificateTableSetting}={FjordTestCluster.NewTableName()}",
            $"--{CertificateServiceCollectionExtensions.RevocationTableSetting}={RevocationTable}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = LocalControlPlane.BoundAddresses(_app).Single();
        var keys = new ApiKeyStore(new TableServiceClient(_azurite.ConnectionString), TimeProvider.System, apiKeyTable);
        await keys.InitializeAsync(CancellationToken.None);
        OperatorKey = (await keys.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "end-to-end", CancellationToken.None)).Secret;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _azurite.DisposeAsync();
        _security.Dispose();
    }

    /// <summary>An HTTP client of the control plane with <paramref name="key"/>, the operator key when none is given.</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key ?? OperatorKey);
        return client;
    }

    /// <summary>A client of <paramref name="username"/> over SASL_SSL; bounded timeouts so a refusal is seen quickly.</summary>
    public ClientConfig ClientConfig(string username, string password) => new()
    {
        BootstrapServers = SaslBootstrap,
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = username,
        SaslPassword = password,
        SslCaLocation = _security.CaPath,
        SocketTimeoutMs = 10_000,
    };

    /// <summary>A client of the MTLS listener presenting the certificate chain and key in these files.</summary>
    public ClientConfig MutualTlsConfig(string certificatePath, string keyPath) => new()
    {
        BootstrapServers = MtlsBootstrap,
        SecurityProtocol = SecurityProtocol.Ssl,
        SslCaLocation = _security.CaPath,
        SslCertificateLocation = certificatePath,
        SslKeyLocation = keyPath,
        SocketTimeoutMs = 10_000,
    };
}
