using Fjord.Broker.Configuration;
using Fjord.Cluster;
using Microsoft.Extensions.Logging;

namespace Fjord.Broker.Membership;

/// <summary>
/// This broker's membership in the cluster (Kafka's BrokerLifecycleManager): registration, the lease
/// heartbeat, and fencing. A broker whose registration is gone from the store, or whose store stopped
/// holding its cluster, fences itself at once. While fenced it keeps checking: once the store holds its
/// cluster again and no live incarnation holds its node id, it registers as a new incarnation and
/// serves again; otherwise it says, every so often, what it is waiting for.
/// </summary>
public sealed partial class BrokerLifecycleManager : IAsyncDisposable
{
    private static readonly TimeSpan RepeatWaitingEvery = TimeSpan.FromSeconds(30);

    private readonly BrokerConfig _config;
    private readonly IMetadataStore _store;
    private readonly MetadataCache _metadata;
    private readonly BrokerFencing _fencing;
    private readonly Func<IReadOnlyList<BrokerEndpoint>> _endpoints;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _fenceChanges = new(1, 1);
    private Task _loop = Task.CompletedTask;
    private (string Message, long At)? _lastWaiting;
    private int _heartbeatFailures;

    // Another incarnation's registration as last seen: its lease counts as lapsed once its heartbeat
    // value stood still for a session timeout on this broker's clock (no comparison across clocks).
    private (Guid Incarnation, DateTimeOffset Heartbeat, long SeenAt)? _rival;

    public BrokerLifecycleManager(BrokerConfig config, IMetadataStore store, MetadataCache metadata, BrokerFencing fencing,
        Func<IReadOnlyList<BrokerEndpoint>> endpoints, TimeProvider time, ILogger<BrokerLifecycleManager> logger)
    {
        _config = config;
        _store = store;
        _metadata = metadata;
        _fencing = fencing;
        _endpoints = endpoints;
        _time = time;
        _logger = logger;
    }

    /// <summary>This process's current incarnation; a new one after every rejoin, so the controller sees a restart.</summary>
    public Guid IncarnationId { get; private set; } = Guid.NewGuid();

    public bool Registered { get; private set; }

    /// <summary>Raised after the broker fenced itself: stop acting for the cluster (controller, coordinators).</summary>
    public event Func<Task>? Fenced;

    /// <summary>Raised after the broker registered as <see cref="IncarnationId"/> again, just before it is unfenced.</summary>
    public event Func<Guid, Task>? Rejoined;

    public async Task RegisterAsync(bool shuttingDown, CancellationToken ct)
    {
        await _store.RegisterBrokerAsync(new BrokerRegistration(_config.NodeId, IncarnationId, _endpoints(), _config.Rack, _time.GetUtcNow(), shuttingDown), ct);
        Registered = true;
    }

    public void Start()
    {
        _metadata.IdentityLost += OnIdentityLost;
        // The store may have been lost between the start's identity check and this subscription.
        if (!_metadata.IdentityConfirmed) OnIdentityLost(_metadata.LastFoundClusterId);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    private void OnIdentityLost(string? found) => _ = FenceAsync(IdentityLostReason(found));

    private string IdentityLostReason(string? found) =>
        $"Broker {_config.NodeId} stops serving: the metadata store ({_store.Location}) no longer holds cluster {_metadata.ClusterId} " +
        (found is null ? "(it holds no cluster id: its table is missing or was re-created empty). " : $"(it holds cluster {found}). ") +
        $"It leads nothing and deletes nothing until the store of cluster {_metadata.ClusterId} is back: restore it, " +
        "or stop the broker and point fjord.metadata.table.endpoint (or fjord.metadata.connection.string) at it.";

    private async Task LoopAsync()
    {
        var interval = TimeSpan.FromMilliseconds(_config.BrokerHeartbeatIntervalMs);
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, _stopping.Token);
                if (_fencing.IsFenced)
                {
                    await TryRejoinAsync(_stopping.Token);
                }
                else
                {
                    await _store.HeartbeatAsync(_config.NodeId, IncarnationId, _stopping.Token);
                    if (_heartbeatFailures > 0) LogHeartbeatsBack(_heartbeatFailures);
                    _heartbeatFailures = 0;
                }
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (BrokerFencedException e)
            {
                await FenceAsync(e.RegisteredIncarnationId is { } other
                    ? $"Broker {_config.NodeId} is fenced: node.id {_config.NodeId} was registered by another incarnation ({other}); it stops leading until that incarnation's lease lapses."
                    : $"Broker {_config.NodeId} is fenced: its registration is gone from the metadata store ({_store.Location}); it stops leading and registers again once the store holds cluster {_metadata.ClusterId}.");
            }
            catch (Exception e)
            {
                if (_fencing.IsFenced) Waiting($"the metadata store ({_store.Location}) to answer: {e.Message}");
                // The first failure and then one line every ~15 tries: an outage should not bury the log in stack traces.
                else if (_heartbeatFailures++ % 15 == 0) LogHeartbeatFailed(_heartbeatFailures, e.Message);
            }
        }
    }

    private async Task FenceAsync(string reason)
    {
        await _fenceChanges.WaitAsync();
        try
        {
            if (!_fencing.Fence(reason)) return;
            LogFenced(reason);
            if (Fenced is { } fenced) await fenced();
        }
        catch (Exception e)
        {
            LogFenceHandlerFailed(e);
        }
        finally
        {
            _fenceChanges.Release();
        }
    }

    private async Task TryRejoinAsync(CancellationToken ct)
    {
        var found = await _store.GetClusterIdAsync(ct);
        if (found != _metadata.ClusterId)
        {
            Waiting(IdentityLostReason(found));
            return;
        }
        var registered = (await _store.ListBrokersAsync(ct)).FirstOrDefault(b => b.NodeId == _config.NodeId);
        if (registered is not null && registered.IncarnationId != IncarnationId && RivalIsLive(registered))
        {
            Waiting($"node.id {_config.NodeId} to be free: incarnation {registered.IncarnationId} holds it and renews its lease");
            return;
        }

        await _fenceChanges.WaitAsync(ct);
        try
        {
            IncarnationId = Guid.NewGuid();
            await RegisterAsync(shuttingDown: false, ct);
            // Serve again only from metadata read after the new registration.
            await _metadata.RefreshAsync(force: true, ct);
            if (Rejoined is { } rejoined) await rejoined(IncarnationId);
            _fencing.Unfence();
            _rival = null;
            _lastWaiting = null;
            LogRejoined(_config.NodeId, IncarnationId, _metadata.ClusterId);
        }
        finally
        {
            _fenceChanges.Release();
        }
    }

    private bool RivalIsLive(BrokerRegistration registered)
    {
        if (_rival is not { } seen || seen.Incarnation != registered.IncarnationId || seen.Heartbeat != registered.LastHeartbeat)
        {
            _rival = (registered.IncarnationId, registered.LastHeartbeat, _time.GetTimestamp());
            return true;
        }
        return _time.GetElapsedTime(seen.SeenAt) < TimeSpan.FromMilliseconds(_config.BrokerSessionTimeoutMs);
    }

    private void Waiting(string what)
    {
        if (_lastWaiting is { } last && last.Message == what && _time.GetElapsedTime(last.At) < RepeatWaitingEvery) return;
        _lastWaiting = (what, _time.GetTimestamp());
        LogStillFenced(what);
    }

    public async ValueTask DisposeAsync()
    {
        _metadata.IdentityLost -= OnIdentityLost;
        await _stopping.CancelAsync();
        await _loop;
        // A fence still being applied finishes before the broker tears down what it touches.
        await _fenceChanges.WaitAsync();
        _fenceChanges.Release();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "{Reason}")]
    private partial void LogFenced(string reason);

    [LoggerMessage(EventId = 121, Level = LogLevel.Warning, Message = "Still fenced; waiting for {What}")]
    private partial void LogStillFenced(string what);

    [LoggerMessage(EventId = 122, Level = LogLevel.Information, Message = "Broker {NodeId} registered again as incarnation {IncarnationId} of cluster {ClusterId} and serves again")]
    private partial void LogRejoined(int nodeId, Guid incarnationId, string clusterId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Broker heartbeat to the metadata store failed ({Failures} in a row): {Reason}")]
    private partial void LogHeartbeatFailed(int failures, string reason);

    [LoggerMessage(EventId = 124, Level = LogLevel.Information, Message = "Broker heartbeats reach the metadata store again after {Failures} failures")]
    private partial void LogHeartbeatsBack(int failures);

    [LoggerMessage(EventId = 123, Level = LogLevel.Error, Message = "Stepping down after fencing failed part-way")]
    private partial void LogFenceHandlerFailed(Exception exception);
}
