using Azure.Data.Tables;
using Confluent.Kafka;
using Fjord.ControlPlane.ApiKeys;
using Fjord.Functions;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Topics;
using Fjord.Testing;
using Microsoft.AspNetCore.Builder;

namespace Fjord.ControlPlane.Tests.Topics;

/// <summary>
/// One in-process broker with SASL_SSL, ACLs and tenancy (as Fjord.Broker.Tests' TenantClusterFixture runs it),
/// and the local control plane over the very tables the broker reads, so a test makes tenants and topics through
/// the API exactly as an operator does and then uses them with Confluent.Kafka clients.
/// </summary>
public sealed class TenantClusterControlPlaneFixture : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private readonly TestSecurity _security = new();
    private FjordTestCluster? _cluster;
    private WebApplication? _app;

    public FjordTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public string OperatorKey { get; private set; } = "";

    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var settings = _security.BrokerSettings("PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0", "SASL_SSL", extraSuperUsers: "User:ANONYMOUS");
        settings["group.initial.rebalance.delay.ms"] = "0";
        settings["auto.create.topics.enable"] = "false";
        settings["offsets.topic.replication.factor"] = "1";
        _cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions { Brokers = 1, Azurite = _azurite.Host, Settings = settings });
        var apiKeyTable = "apikeys" + Guid.NewGuid().ToString("N")[..12];
        _app = LocalControlPlane.Build(
        [
            "--urls", LocalControlPlane.DefaultUrls,
            $"--{ControlPlaneSettings.TableConnectionSetting}={_azurite.ConnectionString}",
            $"--{ControlPlaneSettings.TenantTableSetting}={_cluster.TenantTable}",
            $"--{ControlPlaneSettings.ScramTableSetting}={_cluster.ScramTable}",
            $"--{ControlPlaneSettings.AclTableSetting}={_cluster.AclTable}",
            $"--{ControlPlaneSettings.ApiKeyTableSetting}={apiKeyTable}",
            $"--{TopicServiceCollectionExtensions.MetadataTableSetting}={_cluster.MetadataTable}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = LocalControlPlane.BoundAddresses(_app).Single();
        var apiKeys = new ApiKeyStore(new TableServiceClient(_azurite.ConnectionString), TimeProvider.System, apiKeyTable);
        await apiKeys.InitializeAsync(CancellationToken.None);
        OperatorKey = (await apiKeys.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "tests", CancellationToken.None)).Secret;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        await _azurite.DisposeAsync();
        _security.Dispose();
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A client login as a tenant user over the SASL_SSL listener.</summary>
    public ClientConfig ClientConfig(string user, string password) => new()
    {
        BootstrapServers = TestSecurity.Endpoint(Cluster.InProcess(0).AdvertisedListeners, "SASL_SSL"),
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = user,
        SaslPassword = password,
        SslCaLocation = _security.CaPath,
        SocketTimeoutMs = 10_000,
    };
}
