using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Fetch;
using Fjord.Broker.Handlers;
using Fjord.Broker.Membership;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Broker.Partitions;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Groups;
using Fjord.Log;
using Fjord.Tiering;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Server;

/// <summary>
/// The composition root of one broker: metadata store, local logs, request handlers and
/// the network server. Used by Program and by in-process tests alike.
/// </summary>
public sealed partial class KafkaBroker : IAsyncDisposable
{
    private readonly LogManager _logs;
    private readonly ReplicaManager _replicas;
    private readonly MetadataCache _metadata;
    private readonly GroupCoordinator _groups;
    private readonly KafkaServer _server;
    private readonly BrokerLifecycleManager _lifecycle;
    private readonly BrokerFencing _fencing;
    private readonly IControllerStore _controllerStore;
    private readonly ILogger _logger;

    // Serialises controller hand-overs (fenced: stop it; rejoined: a new one for the new incarnation) with the stop.
    private readonly SemaphoreSlim _controllerChanges = new(1, 1);
    private ClusterController? _controller;
    private RemoteLogManager? _tiering;
    private readonly LogDirLock _dirLock;

    private KafkaBroker(BrokerContext context, LogManager logs, MetadataCache metadata, GroupCoordinator groups, KafkaServer server,
        BrokerLifecycleManager lifecycle, BrokerFencing fencing, IControllerStore controllerStore, LogDirLock dirLock, ILogger logger)
    {
        _dirLock = dirLock;
        Context = context;
        _logs = logs;
        _replicas = context.Replicas;
        _metadata = metadata;
        _groups = groups;
        _server = server;
        _lifecycle = lifecycle;
        _fencing = fencing;
        _controllerStore = controllerStore;
        _logger = logger;
        _lifecycle.Fenced += OnFencedAsync;
        _lifecycle.Rejoined += OnRejoinedAsync;
    }

    public BrokerContext Context { get; }

    public Guid IncarnationId => _lifecycle.IncarnationId;

    /// <summary>True while the broker is fenced (registration lost, or its store no longer holds its cluster).</summary>
    public bool IsFenced => _fencing.IsFenced;

    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => Context.AdvertisedListeners;

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
    public static async Task<KafkaBroker> StartAsync(BrokerConfig config, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger<KafkaBroker>();
        var time = TimeProvider.System;
        // First of all: a second broker on these log dirs must not get as far as recovering them.
        var dirLock = LogDirLock.Acquire(config.LogDirs);
        try
        {
            return await StartLockedAsync(config, loggers, logger, time, dirLock, ct);
        }
        catch
        {
            dirLock.Dispose();
            throw;
        }
    }

    private static async Task<KafkaBroker> StartLockedAsync(BrokerConfig config, ILoggerFactory loggers, ILogger logger, TimeProvider time, LogDirLock dirLock, CancellationToken ct)
    {
        var tables = new TableServiceClient(config.MetadataConnectionString);
        var store = new TableMetadataStore(tables, config.MetadataTableName);
        var availability = new StoreAvailability(time, loggers.CreateLogger<StoreAvailability>());
        var clusterId = await new ClusterIdentity(store, config.LogDirs, config.NodeId, availability, time, loggers.CreateLogger<ClusterIdentity>())
            .EstablishAsync(ct);

        var defaults = BrokerLogDefaults.From(config);
        var logs = new LogManager(config.LogDirs, defaults, time, loggers, new LogManagerOptions
        {
            RetentionCheckIntervalMs = config.LogRetentionCheckIntervalMs,
            FlushSchedulerIntervalMs = config.LogFlushSchedulerIntervalMs,
            FlushOffsetCheckpointIntervalMs = config.LogFlushOffsetCheckpointIntervalMs,
        });
        logs.Startup();

        var fencing = new BrokerFencing();
        var replicas = new ReplicaManager(logs, config, store, fencing, time, loggers);
        var metadata = new MetadataCache(store, store, TimeSpan.FromMilliseconds(config.MetadataPollIntervalMs), loggers.CreateLogger<MetadataCache>());
        replicas.Start(() => metadata.Current);
        metadata.Changed += replicas.Reconcile;
        await availability.UntilAvailableAsync($"the metadata store ({store.Location})", token => metadata.StartAsync(clusterId, token), ct);
        logs.Start(CancellationToken.None);

        var offsets = new TableOffsetStore(tables, config.OffsetsTableName, loggers.CreateLogger<TableOffsetStore>());
        await availability.UntilAvailableAsync($"the offsets table {config.OffsetsTableName}", offsets.InitializeAsync, ct);
        var groups = new GroupCoordinator(GroupConfig.From(config), offsets, time, loggers.CreateLogger<GroupCoordinator>());
        await availability.UntilAvailableAsync("the committed offsets", groups.StartAsync, ct);

        // Unloads groups whose offsets partition this broker stops leading; lives as long as the metadata cache it listens to.
        var coordinators = new GroupCoordinatorLocator(metadata, groups, () => fencing.IsFenced, config.NodeId, config.OffsetsTopicNumPartitions);
        var context = new BrokerContext(config, store, metadata, replicas,
            new FetchSessionCache(config.GetInt("max.incremental.fetch.session.cache.slots", 1000), time), groups, coordinators, time, loggers);
        var dispatcher = new RequestDispatcher(HandlerCatalog.Create(context), loggers.CreateLogger<RequestDispatcher>());
        var server = new KafkaServer(dispatcher, KafkaServerOptions.From(config), loggers, time);
        var lifecycle = new BrokerLifecycleManager(config, store, metadata, fencing,
            () => context.AdvertisedListeners.Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.SecurityProtocol)).ToArray(),
            time, loggers.CreateLogger<BrokerLifecycleManager>());
        var broker = new KafkaBroker(context, logs, metadata, groups, server, lifecycle, fencing, store, dirLock, logger);
        try
        {
            server.Start(config.Listeners);
            context.AdvertisedListeners = ResolveAdvertised(config.AdvertisedListeners, server.BoundListeners);
            await availability.UntilAvailableAsync("the broker registration", token => lifecycle.RegisterAsync(shuttingDown: false, token), ct);
            // Every broker runs the controller loop; the lease in Table storage makes exactly one active.
            await broker.StartControllerAsync(lifecycle.IncarnationId, ct);
            broker._tiering = await StartTieringAsync(config, replicas, time, loggers, ct);
            context.Tiering = broker._tiering;
            replicas.AttachRemoteLog(broker._tiering);
            await broker.AwaitControllerAsync(metadata, ct);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        lifecycle.Start();
        broker.LogStarted(config.NodeId, string.Join(',', context.AdvertisedListeners), clusterId);
        return broker;
    }

    private async Task StartControllerAsync(Guid incarnationId, CancellationToken ct)
    {
        var controller = new ClusterController(
            ControllerConfig.From(Context.Config, incarnationId) with { KnownVersion = () => _metadata.Current.Version },
            Context.Store, _controllerStore, Context.Time, Context.Loggers.CreateLogger<ClusterController>());
        _controller = controller;
        Context.Controller = controller;
        await controller.StartAsync(ct);
    }

    /// <summary>Fenced: no controller, no coordinated groups (a rejoin reloads them from the store).</summary>
    private async Task OnFencedAsync()
    {
        await _controllerChanges.WaitAsync();
        try
        {
            Context.Controller = null;
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
    /// The remote tier's manifest (Table) and segment files (Blob). Either being out of reach at start
    /// is not fatal: produce and hot reads do not need them, and both create what they need lazily.
    /// </summary>
    private static async Task<RemoteLogManager> StartTieringAsync(BrokerConfig config, ReplicaManager replicas, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        // Crash-safety tests only: with fault points armed the process kills itself at the named steps.
        var faults = Tiering.Faults.TierFaultPoints.Parse(config.TestFaultPoints);
        var manifest = new Fjord.Tiering.TableRemoteLogMetadataStore(Tiering.TieringClients.TableService(config), config.TieringManifestTable, time,
            loggers.CreateLogger<Fjord.Tiering.TableRemoteLogMetadataStore>());
        var storage = new Fjord.Tiering.BlobRemoteStorage(Tiering.TieringClients.BlobService(config), config.TieringContainer,
            loggers.CreateLogger<Fjord.Tiering.BlobRemoteStorage>(),
            faults is null ? null : _ => faults.Hit(Tiering.Faults.TierFaultPoints.UploadMidFiles));
        try
        {
            await manifest.InitializeAsync(ct);
            await storage.InitializeAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            loggers.CreateLogger<RemoteLogManager>().LogWarning(e, "Tiered storage is not reachable yet; uploads will retry");
        }
        Fjord.Tiering.IRemoteLogMetadataStore tieringManifest = faults is null ? manifest : new Tiering.Faults.FaultInjectingRemoteLogMetadataStore(manifest, faults);
        Fjord.Tiering.IRemoteStorage tieringStorage = faults is null ? storage : new Tiering.Faults.FaultInjectingRemoteStorage(storage, faults);
        var tiering = new RemoteLogManager(replicas, tieringManifest, tieringStorage,
            new RemoteLogManagerConfig(config.RemoteLogManagerTaskIntervalMs, config.RemoteLogManagerCopierThreadPoolSize, config.RemoteLogReaderCacheBytes), time, loggers);
        // Replicas with no local history wait for the manifest before they serve or fetch.
        replicas.AttachRemoteTier(tieringManifest);
        tiering.Start();
        return tiering;
    }

    /// <summary>
    /// A broker is ready once its cluster has a controller: admin clients (librdkafka) send topic
    /// changes to the controller named in Metadata and give up if none appears. Bounded, so a
    /// broker whose store is slow still starts and serves what it can.
    /// </summary>
    private async Task AwaitControllerAsync(MetadataCache metadata, CancellationToken ct)
    {
        var deadline = Context.Time.GetTimestamp() + Context.Time.TimestampFrequency * 15;
        while (metadata.Current.Controller is null && Context.Time.GetTimestamp() < deadline)
        {
            await Task.Delay(50, ct);
            try
            {
                await metadata.RefreshAsync(force: false, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAwaitControllerFailed(e);
            }
        }
    }

    /// <summary>An advertised listener on port 0 takes the port the OS gave its bound listener.</summary>
    private static ListenerEndpoint[] ResolveAdvertised(IReadOnlyList<ListenerEndpoint> advertised, IReadOnlyList<ListenerEndpoint> bound) =>
        advertised.Select(a => a.Port != 0 ? a
            : a with { Port = bound.FirstOrDefault(b => b.Name == a.Name)?.Port ?? throw new ConfigException($"advertised listener {a} has no bound listener") })
            .ToArray();

    /// <summary>
    /// Kafka's controlled shutdown: the registration says "shutting down", the controller moves this
    /// broker's leaderships to other in-sync replicas while it still serves, and the stop waits
    /// (bounded) until it leads no partition another in-sync replica could take and holds no ISR place
    /// under another leader — so clients fail over at once instead of after the session timeout. Best effort: a store outage or a
    /// slow controller only makes the stop take the bound.
    /// </summary>
    private async Task ControlledShutdownAsync()
    {
        if (!_lifecycle.Registered || _fencing.IsFenced || !Context.Config.GetBool("controlled.shutdown.enable", true)) return;
        var bound = TimeSpan.FromMilliseconds(Context.Config.GetLong("fjord.controlled.shutdown.timeout.ms",
            Context.Config.BrokerSessionTimeoutMs + 2L * Context.Config.ControllerTickMs));
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
                    Context.Controller?.Nudge();
                    await Task.Delay(100, timeout.Token);
                    await _metadata.RefreshAsync(force: false, timeout.Token);
                }
            }
            LogControlledShutdownCompleted(Context.NodeId);
        }
        catch (Exception e)
        {
            LogControlledShutdownIncomplete(e);
        }
    }

    /// <summary>A leadership another in-sync replica could take, or an ISR place under another leader (which would hold its commits back once this broker is gone).</summary>
    private bool StillLeadsMovablePartitions() =>
        _metadata.Current.Partitions.Values.Any(p =>
            p.Leader == Context.NodeId ? p.Isr.Any(id => id != Context.NodeId) : p.Leader >= 0 && p.Isr.Contains(Context.NodeId));

    public async ValueTask DisposeAsync()
    {
        await ControlledShutdownAsync();
        await _lifecycle.DisposeAsync();
        await _controllerChanges.WaitAsync();
        if (_controller is not null) await _controller.DisposeAsync();
        _controller = null;
        _controllerChanges.Release();
        await _server.DisposeAsync();
        if (_tiering is not null) await _tiering.DisposeAsync();
        await _replicas.DisposeAsync();
        Context.Coordinators.Dispose();
        await _groups.DisposeAsync();
        await _metadata.DisposeAsync();
        // A clean close writes checkpoints and the clean-shutdown marker: the next start skips recovery.
        _logs.Close();
        _dirLock.Dispose();
        _controllerChanges.Dispose();
        LogStopped(Context.NodeId);
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
