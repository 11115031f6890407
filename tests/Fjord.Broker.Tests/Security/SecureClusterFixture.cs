using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Security;

/// <summary>
/// Brokers with the ACL authorizer and SCRAM on a SASL listener (port 0), next to the PLAINTEXT test port the
/// cluster kit waits on. ANONYMOUS (that PLAINTEXT port) is a super user so the kit's own readiness checks pass;
/// every client a test drives authenticates over <see cref="SaslListener"/> with SCRAM-SHA-512.
/// </summary>
public abstract class SecureClusterFixture(AzuriteFixture azurite) : FjordTestClusterFixture, IDisposable
{
    public TestSecurity Security { get; } = new();

    /// <summary>SASL_SSL or SASL_PLAINTEXT: the listener clients use, also the inter-broker one.</summary>
    protected abstract string SaslListener { get; }

    protected abstract int BrokerCount { get; }

    /// <summary>Users (password = user + "-secret") the brokers create at start.</summary>
    protected abstract IEnumerable<string> Users { get; }

    public string SaslBootstrap => string.Join(',', Cluster.Brokers.Select(b => SaslEndpoint(b.NodeId)));

    public string SaslEndpoint(int nodeId) => TestSecurity.Endpoint(Cluster.InProcess(nodeId).AdvertisedListeners, SaslListener);

    public static string Password(string user) => user == TestSecurity.AdminUser ? TestSecurity.AdminPassword : user + "-secret";

    protected override FjordTestClusterOptions Options
    {
        get
        {
            foreach (var user in Users)
                Security.AddUser(user, Password(user));
            var settings = Security.BrokerSettings($"PLAINTEXT://127.0.0.1:0,{SaslListener}://127.0.0.1:0", SaslListener, extraSuperUsers: "User:ANONYMOUS");
            settings["group.initial.rebalance.delay.ms"] = "0";
            settings["auto.create.topics.enable"] = "false";
            if (BrokerCount == 1) settings["offsets.topic.replication.factor"] = "1";
            return new FjordTestClusterOptions { Brokers = BrokerCount, Azurite = azurite.Host, Settings = settings };
        }
    }

    protected override Task AfterStartAsync(FjordTestCluster cluster) =>
        BrokerCount == 1 ? CoordinatorReadiness.WaitAsync(cluster, TimeSpan.FromSeconds(60)) : Task.CompletedTask;

    /// <summary>A client of <paramref name="user"/> over the SASL listener; bounded timeouts so a refusal is seen quickly.</summary>
    public ClientConfig ClientConfig(string user, string? password = null, string? bootstrap = null) => new()
    {
        BootstrapServers = bootstrap ?? SaslBootstrap,
        SecurityProtocol = SaslListener == "SASL_SSL" ? SecurityProtocol.SaslSsl : SecurityProtocol.SaslPlaintext,
        SaslMechanism = SaslMechanism.ScramSha512,
        SaslUsername = user,
        SaslPassword = password ?? Password(user),
        SslCaLocation = SaslListener == "SASL_SSL" ? Security.CaPath : null,
        SocketTimeoutMs = 10_000,
    };

    public IAdminClient Admin(string user = TestSecurity.AdminUser, string? password = null, string? bootstrap = null) =>
        new AdminClientBuilder(new AdminClientConfig(ClientConfig(user, password, bootstrap))).SetLogHandler((_, _) => { }).Build();

    public IProducer<string, string> Producer(string user, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig(ClientConfig(user)) { LingerMs = 0, MessageTimeoutMs = 10_000, EnableIdempotence = false, Acks = Acks.All };
        configure?.Invoke(config);
        return new ProducerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public IConsumer<string, string> Consumer(string user, string group, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig(ClientConfig(user))
        {
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<string, string>(config).SetLogHandler((_, _) => { }).Build();
    }

    public async Task AllowAsync(string principal, ResourceType type, string name, AclOperation operation, ResourcePatternType pattern = ResourcePatternType.Literal,
        string host = "*", AclPermissionType permission = AclPermissionType.Allow)
    {
        using var admin = Admin();
        await admin.CreateAclsAsync([Binding(principal, type, name, operation, pattern, host, permission)]);
    }

    public void Dispose()
    {
        Security.Dispose();
        GC.SuppressFinalize(this);
    }

    public static AclBinding Binding(string principal, ResourceType type, string name, AclOperation operation, ResourcePatternType pattern = ResourcePatternType.Literal,
        string host = "*", AclPermissionType permission = AclPermissionType.Allow) => new()
        {
            Pattern = new ResourcePattern { Type = type, Name = name, ResourcePatternType = pattern },
            Entry = new AccessControlEntry { Principal = principal, Host = host, Operation = operation, PermissionType = permission },
        };
}
