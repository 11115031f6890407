using Azure.Data.Tables;
using Fjord.Broker.Admin;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Handlers;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Operations;
using Fjord.Broker.Partitions;
using Fjord.Broker.Producers;
using Fjord.Broker.Quotas;
using Fjord.Broker.Replicas;
using Fjord.Broker.Replication;
using Fjord.Broker.Security;
using Fjord.Broker.Storage;
using Fjord.Broker.Tenancy;
using Fjord.Broker.Tenancy.Storage;
using Fjord.Broker.Tiering;
using Fjord.Broker.Transactions;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Groups;
using Fjord.Log;
using Fjord.Security.Authorization;
using Fjord.Security.Tenancy;
using Fjord.Tiering;
using Fjord.Transactions;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker;

/// <summary>
/// The composition root of one broker: metadata store, local logs, request handlers and
/// the network server. Used by Program and by in-process tests alike.
/// </summary>
public sealed partial class KafkaBroker : IAsyncDisposable
{
    private readonly BrokerConfig _config;
    private readonly IMetadataStore _store;
    private readonly LogManager _logs;
    private readonly ReplicaManager _replicas;
    private readonly MetadataCache _metadata;
    private readonly GroupCoordinator _groups;
    private readonly GroupCoordinatorLocator _coordinators;
    private readonly RemoteLogManager _tiering;
    private readonly ProducerIdManager _producerIds;
    private readonly TransactionServices _transactions;
    private readonly BrokerSecurity _security;
    private readonly KafkaServer _server;
    private readonly AdvertisedListeners _advertised;
    private readonly BrokerLifecycleManager _lifecycle;
    private readonly BrokerFencing _fencing;
    private readonly IControllerStore _controllerStore;
    private readonly ActiveController _activeController;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly LogDirLock _dirLock;
    private readonly IReadOnlyList<ControllerDutyLoop> _controllerDuties;

    // Serialises controller hand-overs (fenced: stop it; rejoined: a new one for the new incarnation) with the stop.
    private readonly SemaphoreSlim _controllerChanges = new(1, 1);
    private ClusterController? _controller;

    private KafkaBroker(BrokerConfig config, TableMetadataStore store, LogManager logs, ReplicaManager replicas, MetadataCache metadata,
        GroupCoordinator groups, GroupCoordinatorLocator coordinators, RemoteLogManager tiering, ProducerIdManager producerIds, TransactionServices transactions, BrokerSecurity security, KafkaServer server,
        AdvertisedListeners advertised, BrokerLifecycleManager lifecycle, BrokerFencing fencing, ActiveController activeController, LogDirLock dirLock, TimeProvider time, ILoggerFactory loggers,
        IReadOnlyList<ControllerDutyLoop> controllerDuties)
    {
        _controllerDuties = controllerDuties;
        _config = config;
        _store = store;
        _controllerStore = store;
        _logs = logs;
        _replicas = replicas;
        _metadata = metadata;
        _groups = groups;
        _coordinators = coordinators;
        _tiering = tiering;
        _producerIds = producerIds;
        _transactions = transactions;
        _security = security;
        _server = server;
        _advertised = advertised;
        _lifecycle = lifecycle;
        _fencing = fencing;
        _activeController = activeController;
        _dirLock = dirLock;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<KafkaBroker>();
        Health = new BrokerHealth(ServingProblem);
        _lifecycle.Fenced += OnFencedAsync;
        _lifecycle.Rejoined += OnRejoinedAsync;
    }

    public int NodeId => _config.NodeId;

    /// <summary>What the operator endpoint's /health/ready answers.</summary>
    public BrokerHealth Health { get; }

    public Guid IncarnationId => _lifecycle.IncarnationId;

    /// <summary>True while the broker is fenced (registration lost, or its store no longer holds its cluster).</summary>
    public bool IsFenced => _fencing.IsFenced;

    /// <summary>The replicas this broker hosts: the data path.</summary>
    public ReplicaManager Replicas => _replicas;

    /// <summary>This broker's view of the cluster metadata.</summary>
    public MetadataCache Metadata => _metadata;

    /// <summary>The client quotas this broker enforces, and what they measure (<see cref="BrokerQuotas.Usage"/>).</summary>
    public BrokerQuotas? Quotas { get; private init; }

    /// <summary>Each tenant's retained bytes (this broker's leaders, and cluster-wide) and the produce refusal at its storage limit.</summary>
    public TenantStorageUsage? TenantStorage { get; private init; }

    /// <summary>Publishes this broker's status row for the control plane (<c>fjord.broker.status.*</c>).</summary>
    public BrokerStatusPublisher? Status { get; private init; }
    /// <summary>Publishes the led partitions' log stats for the control plane's lag figures (<see cref="PartitionStatsPublisher"/>).</summary>
    public PartitionStatsPublisher? PartitionStats { get; private init; }

    /// <summary>This broker's meter and instruments; <c>/metrics</c> on the operator endpoint exports them.</summary>
    public BrokerMetrics? Metrics { get; private init; }

    /// <summary><c>kafka.consumergroup.lag</c> of the groups this broker coordinates, on <see cref="Metrics"/>' meter.</summary>
    public ConsumerLagMetrics? ConsumerLag { get; private init; }

    /// <summary>Upload lag and copies of the Blob tier, on <see cref="Metrics"/>' meter.</summary>
    public TierLagMetrics? TierLag { get; private init; }

    /// <summary>Every throttle by tenant and quota type, on <see cref="Metrics"/>' meter.</summary>
    public TenantThrottleMetrics? Throttles { get; private init; }

    /// <summary>The operator's HTTP endpoint (<c>fjord.admin.listener</c>), or null when none is configured.</summary>
    public OperatorEndpoint? OperatorEndpoint { get; private set; }

    /// <summary>The controller loop this broker runs now (active only while it holds the lease); null while fenced.</summary>
    public IControllerService? Controller => _activeController.Current;

    /// <summary>The holder handlers read the controller from; tests swap in a fake controller through it.</summary>
    internal ActiveController ActiveController => _activeController;

    /// <summary>Tiered storage: uploads closed segments, serves reads below the local log start.</summary>
    public RemoteLogManager Tiering => _tiering;

    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => _advertised.Endpoints;

    /// <summary>The group coordinator, whose committed offsets the consumer lag metrics read.</summary>
    internal GroupCoordinator Groups => _groups;

    /// <summary>The tenants this broker serves, which tell a stored name's tenant.</summary>
    internal TenantCache Tenants => _security.Tenants;

    /// <summary>The client-facing transport, for its connection gauges.</summary>
    internal KafkaServer Server => _server;

    /// <summary>host:port of the first advertised listener, for a client's bootstrap.servers.</summary>
    public string BootstrapServers => $"{AdvertisedListeners[0].Host}:{AdvertisedListeners[0].Port}";

    /// <summary>
    /// Starts the broker. Storage that is not reachable yet is waited for (logged every few seconds);
    /// a metadata store that does not hold the cluster the log dirs belong to is refused (logged, and
    /// re-checked until it does) before any log is opened. Only a <paramref name="ct"/> cancellation or a
    /// configuration error ends the wait.
    /// </summary>
    public static Task<KafkaBroker> StartAsync(BrokerConfig config, ILoggerFactory loggers, CancellationToken ct) =>
        StartAsync(config, loggers, BrokerStartOptions.Default, ct);

    /// <inheritdoc cref="StartAsync(BrokerConfig, ILoggerFactory, CancellationToken)"/>
    /// <param name="options">Decorators and hooks of the test host; production passes <see cref="BrokerStartOptions.Default"/>.</param>
    public static async Task<KafkaBroker> StartAsync(BrokerConfig config, ILoggerFactory loggers, BrokerStartOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = TimeProvider.System;
        // First of all: a second broker on these log dirs must not get as far as recovering them.
        var dirLock = LogDirLock.Acquire(config.LogDirs);
        try
        {
            return await StartLockedAsync(config, loggers, options, time, dirLock, ct);
        }
        catch
        {
            dirLock.Dispose();
            throw;
        }
    }

    private static async Task<KafkaBroker> StartLockedAsync(BrokerConfig config, ILoggerFactory loggers, BrokerStartOptions options, TimeProvider time, LogDirLock dirLock, CancellationToken ct)
    {
        var storage = new StorageClients(StorageEndpoints.From(config));
        var tables = storage.MetadataTables();
        var store = new TableMetadataStore(tables, config.MetadataTableName);
        var availability = new StoreAvailability(time, loggers.CreateLogger<StoreAvailability>());
        var clusterId = await new ClusterIdentity(store, config.LogDirs, config.NodeId, availability, time, loggers.CreateLogger<ClusterIdentity>())
            .EstablishAsync(ct);

        var metrics = await BrokerMetrics.CreateAsync(config, ct);
        var defaults = BrokerLogDefaults.From(config);
        var logs = new LogManager(config.LogDirs, defaults, time, loggers, new LogManagerOptions
        {
            RetentionCheckIntervalMs = config.LogRetentionCheckIntervalMs,
            FlushSchedulerIntervalMs = config.LogFlushSchedulerIntervalMs,
            FlushOffsetCheckpointIntervalMs = config.LogFlushOffsetCheckpointIntervalMs,
            ProducerIdExpirationMs = config.ProducerIdExpirationMs,
            ProducerIdExpirationCheckIntervalMs = config.ProducerIdExpirationCheckIntervalMs,
            FlushObserver = metrics.LogFlush,
        });
        logs.Startup();

        var fencing = new BrokerFencing();
        var replicas = new ReplicaManager(logs, config, store, fencing, time, loggers, metrics.Topics, metrics.IsrChanges);
        var metadata = new MetadataCache(store, store, TimeSpan.FromMilliseconds(config.MetadataPollIntervalMs), loggers.CreateLogger<MetadataCache>());
        var security = await BrokerSecurity.StartAsync(config, tables, availability, time, loggers, ct);
        var interBrokerSecurity = security.InterBroker;
        replicas.Start(() => metadata.Current, interBrokerSecurity);
        metadata.Changed += replicas.Reconcile;
        await availability.UntilAvailableAsync($"the metadata store ({store.Location})", token => metadata.StartAsync(clusterId, token), ct);
        logs.Start(CancellationToken.None);

        var offsets = new TableOffsetStore(tables, config.OffsetsTableName, loggers.CreateLogger<TableOffsetStore>());
        await availability.UntilAvailableAsync($"the offsets table {config.OffsetsTableName}", offsets.InitializeAsync, ct);
        var groups = new GroupCoordinator(GroupConfig.From(config), offsets, time, loggers.CreateLogger<GroupCoordinator>());
        await availability.UntilAvailableAsync("the committed offsets", groups.StartAsync, ct);

        // Unloads groups whose offsets partition this broker stops leading; lives as long as the metadata cache it listens to.
        var coordinators = new GroupCoordinatorLocator(metadata, groups, () => fencing.IsFenced, config.NodeId, config.OffsetsTopicNumPartitions);
        // Built now so every handler gets it at construction; it uploads nothing before StartTieringAsync.
        var tiering = CreateTiering(config, storage, options, replicas, time, loggers);
        var activeController = new ActiveController();
        var advertised = new AdvertisedListeners();
        // Claims its first block of producer ids from the store on the first InitProducerId, not at start.
        var producerIds = new ProducerIdManager(store, config.NodeId, time, loggers.CreateLogger<ProducerIdManager>());
        var transactions = await CreateTransactionsAsync(config, tables, metadata, replicas, groups, coordinators, fencing, producerIds, interBrokerSecurity, availability, time, loggers, ct);
        // A tenant's quotas are cluster-wide; each broker enforces its share of them among the registered brokers.
        var quotas = await BrokerQuotas.StartAsync(config, tables, availability, () => metadata.Current.Brokers.Count, time, loggers, ct);
        var tenantStorage = TenantStorageUsage.Create(config, tables, replicas, tiering.Manager, security.Tenants, metadata, time, loggers);
        var handlers = HandlerCatalog.Create(config, store, metadata, replicas,
            new FetchSessionCache(config.GetInt("max.incremental.fetch.session.cache.slots", 1000), time), groups, coordinators, activeController,
            advertised, tiering.Manager, producerIds, transactions, security, time, loggers, quotas: quotas, tenantStorage: tenantStorage, topicMetrics: metrics.Topics);
        var dispatcher = new RequestDispatcher(handlers, loggers.CreateLogger<RequestDispatcher>(), time, metrics.Requests);
        var server = new KafkaServer(dispatcher, KafkaServerOptions.From(config) with
        {
            ListenerSecurity = security.Listeners,
            ConnectionCreationThrottle = quotas.Connections.RecordAndGetThrottleTime,
        }, loggers, time);
        security.AttachTo(server, () => Math.Max(1, metadata.Current.Brokers.Count));
        // A tenant that stops being active has its groups dropped from memory: a deleted one's must not be written back.
        security.Tenants.TenantDeactivated += tenant => groups.UnloadGroups(group => group.StartsWith(tenant + TenantNamespace.Separator, StringComparison.Ordinal));
        var reaper = new TenantReaper(security.TenantStore, store,
            new TopicAdmin(config, store, metadata, replicas, tiering.Manager, activeController, time, new TenantTopicLimits(security.Tenants, metadata)),
            offsets, new TableTransactionStateStore(tables, config.TransactionsTableName), TransactionConfig.From(config).TransactionStateLogNumPartitions,
            security.ScramStore, security.AclStore ?? new TableAclStore(tables, new SecurityConfig(config).AclTable), loggers.CreateLogger<TenantReaper>(), quotas.Store);
        bool IsController() => metadata.Current.Controller?.ControllerId == config.NodeId;
        metrics.ObserveBroker(() => replicas.UnderReplicatedPartitions,
            () => IsController() ? metadata.Current.Partitions.Values.Count(p => p.Leader == PartitionState.NoLeader) : 0, server.ConnectionsByListener);
        var tierSweeper = new DeletedTopicTierSweeper(() => metadata.Current, tiering.Manager, time);
        ControllerDutyLoop[] controllerDuties =
        [
            new("tenant reaping", reaper.ReapAsync, IsController,
                TimeSpan.FromMilliseconds(config.GetInt("fjord.tenant.reaper.interval.ms", 2000)), time, loggers.CreateLogger<ControllerDutyLoop>()),
            new("deleted topics' Blob tier sweep", tierSweeper.SweepAsync, IsController,
                TimeSpan.FromMilliseconds(Math.Max(1000, config.RemoteLogManagerTaskIntervalMs)), time, loggers.CreateLogger<ControllerDutyLoop>()),
        ];
        var lifecycle = new BrokerLifecycleManager(config, store, metadata, fencing,
            () => advertised.Endpoints.Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.Protocol.KafkaName())).ToArray(),
            time, loggers.CreateLogger<BrokerLifecycleManager>());
        var broker = new KafkaBroker(config, store, logs, replicas, metadata, groups, coordinators, tiering.Manager, producerIds, transactions, security, server, advertised,
            lifecycle, fencing, activeController, dirLock, time, loggers, controllerDuties)
        {
            Quotas = quotas,
            TenantStorage = tenantStorage,
            Metrics = metrics,
            ConsumerLag = ConsumerLagMetrics.Create(metrics.Meter, config, tables, groups, replicas, security.Tenants, time, loggers),
            TierLag = new TierLagMetrics(metrics.Meter, tiering.Manager, security.Tenants),
            Throttles = new TenantThrottleMetrics(metrics.Meter, quotas),
            Status = BrokerStatusPublisher.Create(config, tables,
                new BrokerStatusMeasure(config.NodeId, () => lifecycle.IncarnationId, replicas, tiering.Manager, time.GetUtcNow()), time, loggers),
            PartitionStats = PartitionStatsPublisher.Create(config, tables, replicas, time, loggers),
        };
        try
        {
            server.Start(config.Listeners);
            advertised.Resolve(config.AdvertisedListeners, server.BoundListeners);
            await broker.StartOperatorEndpointAsync(ct);
            await availability.UntilAvailableAsync("the broker registration", token => lifecycle.RegisterAsync(shuttingDown: false, token), ct);
            // Every broker runs the controller loop; the lease in Table storage makes exactly one active.
            await broker.StartControllerAsync(lifecycle.IncarnationId, ct);
            await broker.StartTieringAsync(tiering, ct);
            await broker.AwaitControllerAsync(ct);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        lifecycle.Start();
        tenantStorage.Start();
        broker.Status!.Start();
        broker.PartitionStats?.Start();
        broker.ConsumerLag?.Start();
        broker.Health.MarkStarted();
        broker.LogStarted(config.NodeId, string.Join(',', advertised.Endpoints), clusterId);
        return broker;
    }

    private async Task StartOperatorEndpointAsync(CancellationToken ct)
    {
        if (_config.Get(OperatorEndpoint.ListenerConfig) is not { Length: > 0 } listener) return;
        var usage = new TenantUsageReporter(_config.NodeId, _security.Tenants, new TenantTopicLimits(_security.Tenants, _metadata), _security.TenantGate, Quotas,
            tenant => TenantStorage is { } storage ? (storage.ClusterRetainedBytes(tenant), storage.LocalRetainedBytes(tenant)) : (0L, 0L));
        OperatorEndpoint = await Operations.OperatorEndpoint.StartAsync(listener, routes =>
        {
            OperatorRoutes.Map(routes, usage, Quotas);
            HealthRoutes.Map(routes, Health);
            if (Metrics is not null) MetricsEndpoint.Map(routes, Metrics.Telemetry);
        }, _loggers, ct);
    }

    private async Task StartControllerAsync(Guid incarnationId, CancellationToken ct)
    {
        var controller = new ClusterController(
            ControllerConfig.From(_config, incarnationId) with { KnownVersion = () => _metadata.Current.Version },
            _store, _controllerStore, _time, _loggers.CreateLogger<ClusterController>());
        _controller = controller;
        _activeController.Set(controller);
        await controller.StartAsync(ct);
    }

    /// <summary>Fenced: no controller, no coordinated groups (a rejoin reloads them from the store).</summary>
    private async Task OnFencedAsync()
    {
        await _controllerChanges.WaitAsync();
        try
        {
            _activeController.Set(null);
            if (_controller is { } controller)
            {
                _controller = null;
                await controller.DisposeAsync();
            }
        }
        finally
        {
            _controllerChanges.Release();
        }
        _groups.UnloadGroups(_ => true);
    }

    /// <summary>Rejoined as a new incarnation: the controller lease, if this broker wins it again, belongs to that incarnation.</summary>
    private async Task OnRejoinedAsync(Guid incarnationId)
    {
        await _controllerChanges.WaitAsync();
        try
        {
            if (_controller is null) await StartControllerAsync(incarnationId, CancellationToken.None);
        }
        finally
        {
            _controllerChanges.Release();
        }
    }

    /// <summary>
    /// The transaction coordinator (state in its own table), its locator (which loads the
    /// __transaction_state partitions this broker leads), the marker paths and the verifier.
    /// </summary>
    private static async Task<TransactionServices> CreateTransactionsAsync(BrokerConfig config, TableServiceClient tables, MetadataCache metadata,
        ReplicaManager replicas, GroupCoordinator groups, GroupCoordinatorLocator groupLocator, BrokerFencing fencing, ProducerIdManager producerIds,
        InterBrokerSecurity interBrokerSecurity, StoreAvailability availability, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var store = new TableTransactionStateStore(tables, config.TransactionsTableName);
        await availability.UntilAvailableAsync($"the transactions table {config.TransactionsTableName}", store.InitializeAsync, ct);
        var applier = new TransactionMarkerApplier(metadata, replicas, groups, fencing, config.NodeId);
        var writer = new TransactionMarkerWriter(metadata, applier, config.NodeId,
            new InterBrokerConnector(() => metadata.Current, config.InterBrokerListenerName, interBrokerSecurity), loggers.CreateLogger<TransactionMarkerWriter>());
        var txnConfig = TransactionConfig.From(config);
        var coordinator = new TransactionCoordinator(txnConfig, store, writer, producerIds.GenerateProducerIdAsync, groupLocator.PartitionFor, time,
            loggers.CreateLogger<TransactionCoordinator>());
        var locator = new TransactionCoordinatorLocator(metadata, coordinator, () => fencing.IsFenced, config.NodeId, txnConfig.TransactionStateLogNumPartitions);
        coordinator.Start();
        var verifier = new TransactionVerifier(store, id => TransactionCoordinator.PartitionFor(id, txnConfig.TransactionStateLogNumPartitions),
            loggers.CreateLogger<TransactionVerifier>());
        return new TransactionServices(coordinator, locator, applier, verifier, writer);
    }

    /// <summary>The remote tier's manifest (Table), segment files (Blob) and the manager that moves segments between them.</summary>
    private sealed record TieringParts(TableRemoteLogMetadataStore TableManifest, BlobRemoteStorage BlobStorage,
        IRemoteLogMetadataStore Manifest, IRemoteStorage Storage, RemoteLogManager Manager);

    private static TieringParts CreateTiering(BrokerConfig config, StorageClients storageClients, BrokerStartOptions options, ReplicaManager replicas, TimeProvider time,
        ILoggerFactory loggers)
    {
        var manifest = new TableRemoteLogMetadataStore(TieringClients.TableService(storageClients, config), config.TieringManifestTable, time,
            loggers.CreateLogger<TableRemoteLogMetadataStore>());
        var storage = new BlobRemoteStorage(TieringClients.BlobService(storageClients, config), config.TieringContainer,
            loggers.CreateLogger<BlobRemoteStorage>(), options.AfterRemoteFileUploaded);
        var tieringManifest = options.DecorateRemoteLogMetadataStore?.Invoke(manifest) ?? manifest;
        var tieringStorage = options.DecorateRemoteStorage?.Invoke(storage) ?? storage;
        var manager = new RemoteLogManager(replicas, tieringManifest, tieringStorage,
            new RemoteLogManagerConfig(config.RemoteLogManagerTaskIntervalMs, config.RemoteLogManagerCopierThreadPoolSize, config.RemoteLogReaderCacheBytes), time, loggers);
        return new TieringParts(manifest, storage, tieringManifest, tieringStorage, manager);
    }

    /// <summary>
    /// Either store being out of reach at start is not fatal: produce and hot reads do not need them,
    /// and both create what they need lazily.
    /// </summary>
    private async Task StartTieringAsync(TieringParts tiering, CancellationToken ct)
    {
        try
        {
            await tiering.TableManifest.InitializeAsync(ct);
            await tiering.BlobStorage.InitializeAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _loggers.CreateLogger<RemoteLogManager>().LogWarning(e, "Tiered storage is not reachable yet; uploads will retry");
        }
        // Replicas with no local history wait for the manifest before they serve or fetch.
        _replicas.AttachRemoteTier(tiering.Manifest, tiering.Storage);
        tiering.Manager.Start();
        _replicas.AttachRemoteLog(tiering.Manager);
    }

    /// <summary>
    /// A broker is ready once its cluster has a controller: admin clients (librdkafka) send topic
    /// changes to the controller named in Metadata and give up if none appears. Bounded, so a
    /// broker whose store is slow still starts and serves what it can.
    /// </summary>
    private async Task AwaitControllerAsync(CancellationToken ct)
    {
        var deadline = _time.GetTimestamp() + _time.TimestampFrequency * 15;
        while (_metadata.Current.Controller is null && _time.GetTimestamp() < deadline)
        {
            await Task.Delay(50, ct);
            try
            {
                await _metadata.RefreshAsync(force: false, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAwaitControllerFailed(e);
            }
        }
    }

    /// <summary>
    /// Kafka's controlled shutdown: the registration says "shutting down", the controller moves this
    /// broker's leaderships to other in-sync replicas while it still serves, and the stop waits
    /// (bounded) until it leads no partition another in-sync replica could take and holds no ISR place
    /// under another leader — so clients fail over at once instead of after the session timeout. Best effort: a store outage or a
    /// slow controller only makes the stop take the bound.
    /// </summary>
    private async Task ControlledShutdownAsync()
    {
        if (!_lifecycle.Registered || _fencing.IsFenced || !_config.GetBool("controlled.shutdown.enable", true)) return;
        var bound = TimeSpan.FromMilliseconds(_config.GetLong("fjord.controlled.shutdown.timeout.ms",
            _config.BrokerSessionTimeoutMs + 2L * _config.ControllerTickMs));
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            // Judge from the store's current state, not a snapshot up to a poll interval old.
            await _metadata.RefreshAsync(force: true, timeout.Token);
            if (StillLeadsMovablePartitions())
            {
                await _lifecycle.RegisterAsync(shuttingDown: true, timeout.Token);
                while (StillLeadsMovablePartitions())
                {
                    _activeController.Nudge();
                    await Task.Delay(100, timeout.Token);
                    await _metadata.RefreshAsync(force: false, timeout.Token);
                }
            }
            LogControlledShutdownCompleted(_config.NodeId);
        }
        catch (Exception e)
        {
            LogControlledShutdownIncomplete(e);
        }
    }

    /// <summary>A leadership another in-sync replica could take, or an ISR place under another leader (which would hold its commits back once this broker is gone).</summary>
    private bool StillLeadsMovablePartitions() =>
        _metadata.Current.Partitions.Values.Any(p =>
            p.Leader == _config.NodeId ? p.Isr.Any(id => id != _config.NodeId) : p.Leader >= 0 && p.Isr.Contains(_config.NodeId));

    /// <summary>Why a started broker cannot serve right now, for <see cref="Health"/>; null when it can.</summary>
    private string? ServingProblem() =>
        _fencing.Reason is { } fenced ? "fenced: " + fenced
        : !_lifecycle.Registered ? "not registered with the cluster"
        : _server.BoundListeners.Count == 0 ? "no Kafka listener is bound"
        : null;

    public async ValueTask DisposeAsync()
    {
        Health.MarkStopping();
        await ControlledShutdownAsync();
        await _lifecycle.DisposeAsync();
        foreach (var duty in _controllerDuties) await duty.DisposeAsync();
        if (TenantStorage is not null) await TenantStorage.DisposeAsync();
        if (Status is not null) await Status.DisposeAsync();
        if (PartitionStats is not null) await PartitionStats.DisposeAsync();
        if (ConsumerLag is not null) await ConsumerLag.DisposeAsync();
        TierLag?.Dispose();
        Throttles?.Dispose();
        await _controllerChanges.WaitAsync();
        if (_controller is not null) await _controller.DisposeAsync();
        _controller = null;
        _controllerChanges.Release();
        if (OperatorEndpoint is not null) await OperatorEndpoint.DisposeAsync();
        await _server.DisposeAsync();
        await _security.DisposeAsync();
        if (Quotas is not null) await Quotas.DisposeAsync();
        // Before the replicas: a coordinator still finishing markers writes through them.
        _transactions.Locator.Dispose();
        await _transactions.Coordinator.DisposeAsync();
        await _transactions.MarkerWriter.DisposeAsync();
        _producerIds.Dispose();
        await _tiering.DisposeAsync();
        await _replicas.DisposeAsync();
        _coordinators.Dispose();
        await _groups.DisposeAsync();
        await _metadata.DisposeAsync();
        // A clean close writes checkpoints and the clean-shutdown marker: the next start skips recovery.
        _logs.Close();
        _dirLock.Dispose();
        _controllerChanges.Dispose();
        Metrics?.Dispose();
        LogStopped(_config.NodeId);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Fjord broker {NodeId} started; listeners {Listeners}; cluster {ClusterId}")]
    private partial void LogStarted(int nodeId, string listeners, string clusterId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Fjord broker {NodeId} stopped cleanly")]
    private partial void LogStopped(int nodeId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Controlled shutdown of broker {NodeId} completed: no leadership or ISR place left to move")]
    private partial void LogControlledShutdownCompleted(int nodeId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Controlled shutdown did not move every leadership in time; stopping anyway")]
    private partial void LogControlledShutdownIncomplete(Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Waiting for a controller failed")]
    private partial void LogAwaitControllerFailed(Exception exception);
}
