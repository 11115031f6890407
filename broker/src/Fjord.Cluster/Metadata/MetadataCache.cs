using Microsoft.Extensions.Logging;

namespace Fjord.Cluster;

/// <summary>
/// Keeps the broker's copy of the metadata in Table storage. A cheap point read of the
/// version row every poll interval tells whether anything changed; only then are topics
/// re-listed. While the store is unreachable the last snapshot keeps serving. Every re-read first
/// checks that the store still holds this broker's cluster id: a wiped, re-created or foreign store
/// is reported through <see cref="IdentityLost"/> and never published as a snapshot, so nothing
/// downstream takes its empty topic list for deletions.
/// </summary>
public sealed partial class MetadataCache(IMetadataStore store, IControllerStore controllerStore, TimeSpan pollInterval, ILogger<MetadataCache> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile MetadataSnapshot _current = MetadataSnapshot.Empty;
    private Task? _pollLoop;
    private string _clusterId = "";
    private volatile bool _identityConfirmed;
    private bool _identityLostReported;

    public MetadataSnapshot Current => _current;

    /// <summary>The cluster this broker belongs to, as its log dirs record it.</summary>
    public string ClusterId => _clusterId;

    /// <summary>False from a read that found the store no longer holding <see cref="ClusterId"/> until one finds it again.</summary>
    public bool IdentityConfirmed => _identityConfirmed;

    /// <summary>The cluster id the last re-read found (null: none).</summary>
    public string? LastFoundClusterId { get; private set; }

    /// <summary>Raised after a new snapshot is published (on the refreshing thread).</summary>
    public event Action<MetadataSnapshot>? Changed;

    /// <summary>
    /// Raised (on the refreshing thread) when the store stops holding this cluster's id, with the id it
    /// holds instead (null: none, the table is missing or was re-created empty). Snapshots stop until
    /// the right store is back.
    /// </summary>
    public event Action<string?>? IdentityLost;

    /// <param name="clusterId">The cluster id the broker's log dirs and the store agreed on at start.</param>
    public async Task StartAsync(string clusterId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        _clusterId = clusterId;
        await RefreshAsync(force: true, ct);
        _pollLoop = Task.Run(PollLoopAsync, CancellationToken.None);
    }

    /// <summary>Re-reads the store when its version moved (or always when forced), publishing a new snapshot.</summary>
    public async Task RefreshAsync(bool force, CancellationToken ct)
    {
        await _refreshLock.WaitAsync(ct);
        try
        {
            var version = await store.GetVersionAsync(ct);
            if (!force && version == _current.Version && _identityConfirmed) return;
            var found = await store.GetClusterIdAsync(ct);
            LastFoundClusterId = found;
            if (found != _clusterId)
            {
                _identityConfirmed = false;
                if (!_identityLostReported)
                {
                    _identityLostReported = true;
                    IdentityLost?.Invoke(found);
                }
                return;
            }
            _identityConfirmed = true;
            _identityLostReported = false;
            var topics = await store.ListTopicsAsync(ct);
            var brokers = await store.ListBrokersAsync(ct);
            var partitions = await controllerStore.ListPartitionStatesAsync(ct);
            var controller = await controllerStore.GetControllerAsync(ct);
            var deleted = await store.ListDeletedTopicIdsAsync(ct);
            var snapshot = new MetadataSnapshot(_clusterId, version, topics, brokers, partitions, controller, deleted);
            _current = snapshot;
            Changed?.Invoke(snapshot);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task PollLoopAsync()
    {
        var failures = 0;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(pollInterval, _stopping.Token);
                await RefreshAsync(force: false, _stopping.Token);
                if (failures > 0) LogStoreRecovered(failures);
                failures = 0;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested) { }
            catch (Exception e)
            {
                // The last snapshot keeps serving: produce and fetch do not need the store.
                if (failures++ % 20 == 0) LogStoreUnavailable(e, failures);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_pollLoop is not null) await _pollLoop;
        _stopping.Dispose();
        _refreshLock.Dispose();
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Metadata store unreachable ({Failures} failed polls); serving the last snapshot")]
    private partial void LogStoreUnavailable(Exception exception, int failures);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Metadata store reachable again after {Failures} failed polls")]
    private partial void LogStoreRecovered(int failures);
}
