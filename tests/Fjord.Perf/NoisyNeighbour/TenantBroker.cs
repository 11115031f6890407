using System.Globalization;
using Azure.Data.Tables;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.ControlPlane.Tenants;
using Fjord.Perf.Cluster;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Quotas;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.Perf.NoisyNeighbour;

/// <summary>
/// A throw-away broker with tenancy, as an operator runs one: its own Azurite, one broker process (the Release build)
/// with a SASL_SSL listener, SCRAM and the ACL authorizer, tenants made through the control-plane library over the
/// very tables the broker reads, and tenant quotas written to the broker's quota table (what AlterClientQuotas with a
/// <c>tenant</c> entity writes). A PLAINTEXT listener on another port lets the test kit see the broker is up; the
/// tenants only ever use SASL_SSL.
/// </summary>
internal sealed class TenantBroker : IAsyncDisposable
{
    private readonly FjordTestCluster _cluster;
    private readonly TestSecurity _security;
    private readonly TenantAdministration _tenants;
    private readonly TableClientQuotaStore _quotas;
    private readonly TimeSpan _timeout;

    private TenantBroker(FjordTestCluster cluster, TestSecurity security, string quotaTable, int saslPort, TimeSpan timeout)
    {
        _cluster = cluster;
        _security = security;
        _timeout = timeout;
        SaslBootstrap = "127.0.0.1:" + saslPort.ToString(CultureInfo.InvariantCulture);
        var tables = new TableServiceClient(cluster.Azurite.ConnectionString);
        _tenants = new TenantAdministration(new TableTenantStore(tables, cluster.TenantTable), new TableScramCredentialStore(tables, cluster.ScramTable),
            new TableAclStore(tables, cluster.AclTable), TimeProvider.System);
        _quotas = new TableClientQuotaStore(tables, quotaTable);
    }

    public string SaslBootstrap { get; }

    public int BrokerPid => _cluster.ChildProcess(0).Pid ?? throw new InvalidOperationException("the broker process is gone");

    public static async Task<TenantBroker> StartAsync(string brokerDll, TimeSpan timeout)
    {
        var security = new TestSecurity();
        try
        {
            var saslPort = FreePort.Next();
            var quotaTable = "fjordperfquotas" + Guid.NewGuid().ToString("N")[..12];
            var settings = security.BrokerSettings(
                $"PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:{saslPort.ToString(CultureInfo.InvariantCulture)}", "SASL_SSL",
                extraSuperUsers: "User:ANONYMOUS");
            settings["fjord.quota.table"] = quotaTable;
            settings["auto.create.topics.enable"] = "false";
            settings["fjord.log.level"] = "Warning";
            var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
            {
                Brokers = 1,
                Hosting = BrokerHosting.ChildProcess,
                EntryDll = brokerDll,
                StartTimeout = timeout,
                Settings = settings,
            }).ConfigureAwait(false);
            return new TenantBroker(cluster, security, quotaTable, saslPort, timeout);
        }
        catch
        {
            security.Dispose();
            throw;
        }
    }

    /// <summary>Creates the tenant and waits until the broker lets its admin log in (the broker polls users and ACLs).</summary>
    public async Task<TenantAdminCredentials> CreateTenantAsync(string id, CancellationToken cancellation)
    {
        var created = await _tenants.CreateTenantAsync(id, null, null, cancellation).ConfigureAwait(false);
        using var admin = Admin(created.Admin);
        await Poll.UntilAsync(() => Task.FromResult(CanReadMetadata(admin)), _timeout, $"tenant {id}'s admin to log in").ConfigureAwait(false);
        return created.Admin;
    }

    /// <summary>Creates a topic as the tenant (so the broker prefixes it) and waits until every partition has a leader.</summary>
    public async Task CreateTopicAsync(TenantAdminCredentials tenant, string topic, int partitions)
    {
        using var admin = Admin(tenant);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }],
            new CreateTopicsOptions { RequestTimeout = _timeout, OperationTimeout = _timeout }).ConfigureAwait(false);
        await Poll.UntilAsync(() => Task.FromResult(LeaderCount(admin, topic) == partitions), _timeout,
            $"{partitions} partitions of {tenant.Username}'s topic {topic} to have a leader").ConfigureAwait(false);
    }

    /// <summary>Sets the tenant-level producer_byte_rate: the cap on the sum of all the tenant's producers.</summary>
    public Task SetTenantProducerByteRateAsync(string tenantId, double bytesPerSec, CancellationToken cancellation) =>
        _quotas.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, tenantId)),
            [new ClientQuotaAlteration(ClientQuotaKeys.ProducerByteRate, Math.Round(bytesPerSec))], cancellation);

    /// <summary>Client settings for the tenant's admin over SASL_SSL, trusting the broker's throw-away CA.</summary>
    public ProducerConfig ProducerConfig(TenantAdminCredentials tenant) => new(Connection(tenant));

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync().ConfigureAwait(false);
        _security.Dispose();
    }

    private ClientConfig Connection(TenantAdminCredentials tenant) => ClientLogging.Configure(new ClientConfig
    {
        BootstrapServers = SaslBootstrap,
        SecurityProtocol = SecurityProtocol.SaslSsl,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = tenant.Username,
        SaslPassword = tenant.Password,
        SslCaLocation = _security.CaPath,
        SocketConnectionSetupTimeoutMs = (int)Math.Min(_timeout.TotalMilliseconds, 30_000),
    });

    private static IAdminClient Admin(TenantAdminCredentials tenant, ClientConfig connection) =>
        new AdminClientBuilder(new AdminClientConfig(connection) { ClientId = "fjord-perf-admin-" + tenant.Username })
            .SetLogHandler((_, _) => { })
            .Build();

    private IAdminClient Admin(TenantAdminCredentials tenant) => Admin(tenant, Connection(tenant));

    private static bool CanReadMetadata(IAdminClient admin)
    {
        try
        {
            admin.GetMetadata(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    private static int LeaderCount(IAdminClient admin, string topic)
    {
        try
        {
            var entry = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            return entry is null || entry.Error.Code != ErrorCode.NoError ? 0 : entry.Partitions.Count(p => p.Leader >= 0);
        }
        catch (KafkaException)
        {
            return 0;
        }
    }
}
