using System.Globalization;
using Azure.Data.Tables;
using Fjord.ControlPlane.ApiKeys;
using Fjord.ControlPlane.Client;
using Fjord.Functions;
using Fjord.Functions.Cluster;
using Fjord.Functions.LocalHost;
using Fjord.Functions.Topics;
using Fjord.Testing;
using Microsoft.AspNetCore.Builder;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// Three in-process brokers on Azurite with Kafka's failover knobs turned down, their Blob traffic through a
/// <see cref="TcpProxy"/> a test can cut, status rows every 200 ms, and the local control plane over the same tables.
/// A test may stop a broker; it starts it again before it ends.
/// </summary>
public sealed class ClusterStatusFixture : IAsyncLifetime
{
    public const int SessionTimeoutMs = 3000;

    private readonly AzuriteFixture _azurite = new();
    private TcpProxy? _blob;
    private FjordTestCluster? _cluster;
    private WebApplication? _app;

    public FjordTestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

    public TcpProxy BlobProxy => _blob ?? throw new InvalidOperationException("the cluster has not started");

    public Uri BaseAddress { get; private set; } = null!;

    public string OperatorKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _blob = TcpProxy.Start(_azurite.Host.BlobPort);
        var blobPort = _azurite.Host.BlobPort.ToString(CultureInfo.InvariantCulture);
        var tiering = _azurite.ConnectionString.Replace($"127.0.0.1:{blobPort}/", $"127.0.0.1:{_blob.Port.ToString(CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);
        if (tiering == _azurite.ConnectionString) throw new InvalidOperationException("the Blob endpoint was not found in Azurite's connection string");
        var settings = new Dictionary<string, string>(FjordTestClusterOptions.FastFailover)
        {
            ["broker.session.timeout.ms"] = SessionTimeoutMs.ToString(CultureInfo.InvariantCulture),
            ["auto.create.topics.enable"] = "false",
            ["remote.log.manager.task.interval.ms"] = "200",
            ["fjord.tiering.connection.string"] = tiering,
            ["fjord.tiering.request.timeout.ms"] = "2000",
            ["fjord.broker.status.interval.ms"] = "200",
            ["fjord.broker.status.refresh.intervals"] = "10",
        };
        _cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions { Brokers = 3, Azurite = _azurite.Host, Settings = settings, WaitUntilFormed = true });

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
            $"--{ClusterStatusServiceCollectionExtensions.StatusTableSetting}={_cluster.BrokerStatusTable}",
            $"--{ClusterStatusServiceCollectionExtensions.SessionTimeoutSetting}={SessionTimeoutMs}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await _app.StartAsync();
        BaseAddress = LocalControlPlane.BoundAddresses(_app).Single();
        var keys = new ApiKeyStore(new TableServiceClient(_azurite.ConnectionString), TimeProvider.System, apiKeyTable);
        await keys.InitializeAsync(CancellationToken.None);
        OperatorKey = (await keys.CreateOperatorKeyAsync(TimeSpan.FromHours(1), "cluster-status", CancellationToken.None)).Secret;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_blob is not null) await _blob.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    /// <summary>The typed client over the local control plane, with the operator key.</summary>
    public ControlPlaneClient Client() => new(BaseAddress, OperatorKey);
}
