using Azure.Data.Tables;
using Fjord.Broker.Configuration;
using Fjord.Broker.Controller;
using Fjord.Broker.Fetch;
using Fjord.Broker.Groups;
using Fjord.Broker.Handlers;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Cluster;
using Fjord.Log;
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
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private Task _heartbeats = Task.CompletedTask;
    private ClusterController? _controller;
    private bool _registered;
    private Tiering.TierManager? _tiering;

    private KafkaBroker(BrokerContext context, LogManager logs, MetadataCache metadata, GroupCoordinator groups, KafkaServer server, ILogger logger)
    {
        Context = context;
        _logs = logs;
        _replicas = context.Replicas;
        _metadata = metadata;
        _groups = groups;
        _server = server;
        _logger = logger;
    }

    public BrokerContext Context { get; }

    public Guid IncarnationId { get; } = Guid.NewGuid();

    public IReadOnlyList<ListenerEndpoint> AdvertisedListeners => Context.AdvertisedListeners;

    /// <summary>host:port of the first advertised listener, for a client's bootstrap.servers.</summary>
    public string BootstrapServers => $"{AdvertisedListeners[0].Host}:{AdvertisedListeners[0].Port}";

    public static async Task<KafkaBroker> StartAsync(BrokerConfig config, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger<KafkaBroker>();
        var tables = new TableServiceClient(config.MetadataConnectionString);
        var store = new TableMetadataStore(tables, config.MetadataTableName);
        await store.InitializeAsync(ct);

        var time = TimeProvider.System;
        var defaults = BrokerLogDefaults.From(config);
        var logs = new LogManager(config.LogDirs, defaults, time, loggers, new LogManagerOptions
        {
            RetentionCheckIntervalMs = config.LogRetentionCheckIntervalMs,
            FlushSchedulerIntervalMs = config.LogFlushSchedulerIntervalMs,
            FlushOffsetCheckpointIntervalMs = config.LogFlushOffsetCheckpointIntervalMs,
        });
        logs.Startup();

        var replicas = new ReplicaManager(logs, config, store, time, loggers);
        var metadata = new MetadataCache(store, store, TimeSpan.FromMilliseconds(config.MetadataPollIntervalMs), loggers.CreateLogger<MetadataCache>());
        replicas.Start(() => metadata.Current);
        metadata.Changed += replicas.Reconcile;
        await metadata.StartAsync(ct);
        logs.Start(CancellationToken.None);

        var offsets = new TableOffsetStore(tables, config.OffsetsTableName, loggers.CreateLogger<TableOffsetStore>());
        await offsets.InitializeAsync(ct);
        var groups = new GroupCoordinator(GroupConfig.From(config), offsets, time, loggers.CreateLogger<GroupCoordinator>());
        await groups.StartAsync(ct);

        // Unloads groups whose offsets partition this broker stops leading; lives as long as the metadata cache it listens to.
        var coordinators = new GroupCoordinatorLocator(metadata, groups, config.NodeId, config.OffsetsTopicNumPartitions);
        var context = new BrokerContext(config, store, metadata, replicas,
            new FetchSessionCache(config.GetInt("max.incremental.fetch.session.cache.slots", 1000), time), groups, coordinators, time, loggers);
        var dispatcher = new RequestDispatcher(HandlerCatalog.Create(context), loggers.CreateLogger<RequestDispatcher>());
        var server = new KafkaServer(dispatcher, config.SocketRequestMaxBytes, loggers);
        var broker = new KafkaBroker(context, logs, metadata, groups, server, logger);
        try
        {
            server.Start(config.Listeners);
            context.AdvertisedListeners = ResolveAdvertised(config.AdvertisedListeners, server.BoundListeners);
            await broker.RegisterAsync(ct);
            // Every broker runs the controller loop; the lease in Table storage makes exactly one active.
            broker._controller = new ClusterController(ClusterControllerOptions.From(config, broker.IncarnationId) with { KnownVersion = () => metadata.Current.Version }, store, store, time,
                loggers.CreateLogger<ClusterController>());
            context.Controller = broker._controller;
            await broker._controller.StartAsync(ct);
            broker._tiering = await StartTieringAsync(config, replicas, time, loggers, ct);
            context.Tiering = broker._tiering;
            await broker.AwaitControllerAsync(metadata, ct);
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
        broker._heartbeats = Task.Run(broker.HeartbeatLoopAsync, CancellationToken.None);
        broker.LogStarted(config.NodeId, string.Join(',', context.AdvertisedListeners));
        return broker;
    }

    /// <summary>
    /// The remote tier's manifest (Table) and segment files (Blob). Either being out of reach at start
    /// is not fatal: produce and hot reads do not need them, and both create what they need lazily.
    /// </summary>
    private static async Task<Tiering.TierManager> StartTieringAsync(BrokerConfig config, ReplicaManager replicas, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
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
            loggers.CreateLogger<Tiering.TierManager>().LogWarning(e, "Tiered storage is not reachable yet; uploads will retry");
        }
        Fjord.Tiering.IRemoteLogMetadataStore tieringManifest = faults is null ? manifest : new Tiering.Faults.FaultInjectingRemoteLogMetadataStore(manifest, faults);
        Fjord.Tiering.IRemoteStorage tieringStorage = faults is null ? storage : new Tiering.Faults.FaultInjectingRemoteStorage(storage, faults);
        var tiering = new Tiering.TierManager(replicas, tieringManifest, tieringStorage, config, time, loggers);
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
                LogHeartbeatFailed(e);
            }
        }
    }

    /// <summary>An advertised listener on port 0 takes the port the OS gave its bound listener.</summary>
    private static ListenerEndpoint[] ResolveAdvertised(IReadOnlyList<ListenerEndpoint> advertised, IReadOnlyList<ListenerEndpoint> bound) =>
        advertised.Select(a => a.Port != 0 ? a
            : a with { Port = bound.FirstOrDefault(b => b.Name == a.Name)?.Port ?? throw new ConfigException($"advertised listener {a} has no bound listener") })
            .ToArray();

    private async Task RegisterAsync(CancellationToken ct, bool shuttingDown = false)
    {
        await Context.Store.RegisterBrokerAsync(new BrokerRegistration(Context.NodeId, IncarnationId,
            AdvertisedListeners.Select(l => new BrokerEndpoint(l.Name, l.Host, l.Port, l.SecurityProtocol)).ToArray(),
            Context.Config.Rack, Context.Time.GetUtcNow(), shuttingDown), ct);
        _registered = true;
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
        if (!_registered || !Context.Config.GetBool("controlled.shutdown.enable", true)) return;
        var bound = TimeSpan.FromMilliseconds(Context.Config.GetLong("fjord.controlled.shutdown.timeout.ms",
            Context.Config.BrokerSessionTimeoutMs + 2L * Context.Config.ControllerTickMs));
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            // Judge from the store's current state, not a snapshot up to a poll interval old.
            await _metadata.RefreshAsync(force: true, timeout.Token);
            if (StillLeadsMovablePartitions())
            {
                await RegisterAsync(timeout.Token, shuttingDown: true);
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

    private async Task HeartbeatLoopAsync()
    {
        var interval = TimeSpan.FromMilliseconds(Context.Config.BrokerHeartbeatIntervalMs);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _stopping.Token);
                await Context.Store.HeartbeatAsync(Context.NodeId, IncarnationId, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (Exception e)
            {
                LogHeartbeatFailed(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ControlledShutdownAsync();
        await _stopping.CancelAsync();
        if (_controller is not null) await _controller.DisposeAsync();
        await _server.DisposeAsync();
        if (_tiering is not null) await _tiering.DisposeAsync();
        await _replicas.DisposeAsync();
        await _heartbeats;
        Context.Coordinators.Dispose();
        await _groups.DisposeAsync();
        await _metadata.DisposeAsync();
        // A clean close writes checkpoints and the clean-shutdown marker: the next start skips recovery.
        _logs.Close();
        _stopping.Dispose();
        LogStopped(Context.NodeId);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Fjord broker {NodeId} started; listeners {Listeners}")]
    private partial void LogStarted(int nodeId, string listeners);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Fjord broker {NodeId} stopped cleanly")]
    private partial void LogStopped(int nodeId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Information, Message = "Controlled shutdown of broker {NodeId} completed: no leadership or ISR place left to move")]
    private partial void LogControlledShutdownCompleted(int nodeId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Controlled shutdown did not move every leadership in time; stopping anyway")]
    private partial void LogControlledShutdownIncomplete(Exception exception);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Broker heartbeat to the metadata store failed")]
    private partial void LogHeartbeatFailed(Exception exception);
}
