using Azure.Data.Tables;
using Confluent.Kafka;
using Fjord.Broker.Tests.Security;
using Fjord.ControlPlane.Tenants;
using Fjord.Security.Authorization;
using Fjord.Security.Credentials;
using Fjord.Security.Tenancy;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tenancy.EndToEnd;

/// <summary>
/// One broker with SASL_SSL and ACLs, and the control-plane library over the very tables the broker reads, so
/// tests make tenants exactly as an operator does. Tenants log in with their admin user
/// (<c>id.admin</c>) and the password the library handed out. Derived fixtures may run more brokers.
/// </summary>
public class TenantClusterFixture(AzuriteFixture azurite) : SecureClusterFixture(azurite)
{
    private readonly string _storage = azurite.ConnectionString;
    private readonly Dictionary<string, CreatedTenant> _tenants = new(StringComparer.Ordinal);

    protected override string SaslListener => "SASL_SSL";
    protected override int BrokerCount => 1;
    protected override IEnumerable<string> Users => [];

    public TenantAdministration Tenants { get; private set; } = null!;

    public string StorageConnectionString => _storage;

    // Tiering and reaping every half second, so a deletion test sees blobs made and removed within its bounds;
    // storage usage every 200 ms, so a tenant past its retained-bytes limit is refused soon after.
    protected override FjordTestClusterOptions Options => base.Options.WithSettings(new Dictionary<string, string>
    {
        ["remote.log.manager.task.interval.ms"] = "500",
        ["fjord.tenant.reaper.interval.ms"] = "500",
        ["fjord.tenant.usage.interval.ms"] = "200",
        ["fjord.admin.listener"] = "http://127.0.0.1:0",
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    /// <summary>The broker's operator endpoint.</summary>
    public Uri OperatorEndpoint => Cluster.InProcess().OperatorEndpoint ?? throw new InvalidOperationException("fjord.admin.listener is not set");

    public ITenantStore TenantStore { get; private set; } = null!;

    protected override async Task AfterStartAsync(FjordTestCluster cluster)
    {
        await base.AfterStartAsync(cluster);
        var tables = new TableServiceClient(_storage);
        TenantStore = new TableTenantStore(tables, cluster.TenantTable);
        Tenants = new TenantAdministration(TenantStore, new TableScramCredentialStore(tables, cluster.ScramTable), new TableAclStore(tables, cluster.AclTable),
            TimeProvider.System);
    }

    /// <summary>A tenant with a fresh id (made once per name per fixture), ready once its admin can log in.</summary>
    public async Task<CreatedTenant> TenantAsync(string name, TenantLimits? limits = null)
    {
        lock (_tenants)
            if (_tenants.TryGetValue(name, out var known)) return known;
        var id = name + "-" + Guid.NewGuid().ToString("N")[..6];
        var created = await Tenants.CreateTenantAsync(id, name, limits, CancellationToken.None);
        // The broker learns of the user and its ACLs on its next poll.
        using (var admin = TenantAdmin(created))
            await Poll.UntilAsync(() => CanListTopics(admin), TimeSpan.FromSeconds(30), $"tenant {id}'s admin to log in");
        lock (_tenants) _tenants[name] = created;
        return created;
    }

    public ClientConfig TenantConfig(CreatedTenant tenant) => ClientConfig(tenant.Admin.Username, tenant.Admin.Password);

    public IAdminClient TenantAdmin(CreatedTenant tenant) =>
        new AdminClientBuilder(new AdminClientConfig(TenantConfig(tenant))).SetLogHandler((_, _) => { }).Build();

    public IProducer<string, string> TenantProducer(CreatedTenant tenant, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig(TenantConfig(tenant)) { LingerMs = 0, MessageTimeoutMs = 15_000, Acks = Acks.All };
        configure?.Invoke(config);
        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public IConsumer<string, string> TenantConsumer(CreatedTenant tenant, string group, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig(TenantConfig(tenant))
        {
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    private static bool CanListTopics(IAdminClient admin)
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
}
