using System.Reflection;
using Fjord.Broker;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Membership;
using Fjord.Broker.Network;
using Fjord.Broker.Producers;
using Fjord.Broker.Replicas;
using Fjord.Broker.Security;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Groups;
using Fjord.Security.Authorization;
using Fjord.Tiering;

namespace Fjord.Testing;

/// <summary>
/// A broker in the test process. The only place the tests touch <see cref="KafkaBroker"/>: what a test
/// looks at inside a broker, it reaches through here.
/// </summary>
public sealed class InProcessBroker : TestBroker
{
    private KafkaBroker? _broker;

    internal InProcessBroker(int nodeId, TcpProxy? storageProxy)
        : base(nodeId, storageProxy)
    {
    }

    public override bool IsRunning => _broker is not null;

    /// <summary>The configuration of the current (or last) start.</summary>
    public BrokerConfig Config { get; private set; } = BrokerConfig.FromValues(new Dictionary<string, string>());

    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => Running.AdvertisedListeners;

    /// <summary>
    /// Where the broker really listens, ports as the OS gave them: differs from <see cref="AdvertisedListeners"/>
    /// when a test puts a proxy in front of the broker and advertises the proxy.
    /// </summary>
    public IReadOnlyList<ListenerEndpoint> BoundListeners => Running.Server.BoundListeners;

    public MetadataCache Metadata => Running.Metadata;

    /// <summary>What its /health/ready answers.</summary>
    public Fjord.Broker.Operations.BrokerHealth Health => Running.Health;

    public ReplicaManager Replicas => Running.Replicas;

    public RemoteLogManager Tiering => Running.Tiering;

    /// <summary>The broker's controller loop; a test may swap in its own and put the real one back.</summary>
    public IControllerService? Controller
    {
        get => Running.Controller;
        set => Running.ActiveController.Set(value);
    }

    public int ConnectionCount => Running.Server.ConnectionCount;

    /// <summary>The broker's group coordinator (committed offsets of the groups it coordinates).</summary>
    public Fjord.Groups.GroupCoordinator Groups => Running.Groups;

    /// <summary>The tenants the broker serves.</summary>
    public Fjord.Security.Tenancy.TenantCache Tenants => Running.Tenants;

    /// <summary>The client quotas the broker enforces, and what they measure.</summary>
    public Fjord.Broker.Quotas.BrokerQuotas? Quotas => Running.Quotas;

    /// <summary>Each tenant's retained bytes as the broker measures and sums them for the storage limit.</summary>
    public Fjord.Broker.Tenancy.Storage.TenantStorageUsage? TenantStorage => Running.TenantStorage;

    /// <summary>The publisher of the partition stats the control plane reads lag from.</summary>
    public Fjord.Broker.Operations.PartitionStatsPublisher? PartitionStats => Running.PartitionStats;

    /// <summary>The broker's operator HTTP endpoint (fjord.admin.listener), when configured.</summary>
    public Uri? OperatorEndpoint => Running.OperatorEndpoint?.Address;

    /// <summary>Who each open connection acts as, and how it authenticated.</summary>
    public IReadOnlyList<ClientSession> Sessions => Running.Server.Sessions;

    public long RejectedConnections => Running.Server.RejectedConnections;

    public long IdleClosedConnections => Running.Server.IdleClosedConnections;

    /// <summary>Bytes the open connections hold in receive buffers.</summary>
    public long ReceiveBufferBytes => Running.Server.ReceiveBufferBytes;

    private KafkaBroker Running => _broker ?? throw new InvalidOperationException($"broker {NodeId} is not running");

    internal override async Task StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        if (_broker is not null)
            throw new InvalidOperationException($"broker {NodeId} is already running");
        Config = BrokerConfig.FromValues(settings);
        using var deadline = new CancellationTokenSource(timeout);
        _broker = await KafkaBroker.StartAsync(Config, TestLoggers.Factory, deadline.Token).ConfigureAwait(false);
        Port = _broker.AdvertisedListeners[0].Port;
    }

    /// <summary>A process cannot SIGKILL a part of itself: fault tests use <see cref="BrokerHosting.ChildProcess"/>.</summary>
    public override Task KillAsync() =>
        throw new NotSupportedException("an in-process broker cannot be killed; use BrokerHosting.ChildProcess");

    public override async Task StopAsync()
    {
        if (_broker is not { } broker)
            return;
        _broker = null;
        await broker.DisposeAsync().ConfigureAwait(false);
    }

    private protected override Task ShutDownAsync() => StopAsync();

    /// <summary>
    /// A second set of this broker's request handlers, built by <see cref="HandlerCatalog"/> over the running
    /// broker's own components (metadata, logs, groups, transactions, controller) but asking
    /// <paramref name="authorizer"/>: authorization tests call them directly with a session of their chosen
    /// principal. The broker's components are read from its private fields because KafkaBroker does not take
    /// an authorizer from its start options yet; once it does, tests can start the broker with one instead.
    /// </summary>
    public IReadOnlyList<ApiHandler> CreateHandlers(IAuthorizer authorizer)
    {
        var broker = Running;
        return HandlerCatalog.Create(Config, Field<IMetadataStore>(broker, "_store"), broker.Metadata, broker.Replicas,
            new FetchSessionCache(1000, TimeProvider.System), Field<GroupCoordinator>(broker, "_groups"), Field<GroupCoordinatorLocator>(broker, "_coordinators"),
            broker.ActiveController, Field<AdvertisedListeners>(broker, "_advertised"), broker.Tiering, Field<ProducerIdManager>(broker, "_producerIds"),
            Field<TransactionServices>(broker, "_transactions"), Field<BrokerSecurity>(broker, "_security"), Field<TimeProvider>(broker, "_time"), TestLoggers.Factory,
            authorizer);
    }

    private static T Field<T>(KafkaBroker broker, string name) =>
        typeof(KafkaBroker).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(broker) is T value
            ? value
            : throw new InvalidOperationException($"KafkaBroker has no field {name} of type {typeof(T).Name}: update InProcessBroker.CreateHandlers");
}
