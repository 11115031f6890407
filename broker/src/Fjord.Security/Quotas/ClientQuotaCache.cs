using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Quotas;

/// <summary>
/// Every client quota in memory, so enforcing one never waits on storage. Polls the store's version like the ACL,
/// SCRAM and tenant caches (fjord.security.poll.interval.ms), so a change made on any broker applies on every
/// broker within about one poll; a storage error keeps the last snapshot enforcing.
/// </summary>
public sealed partial class ClientQuotaCache : IAsyncDisposable
{
    private readonly IClientQuotaStore _store;
    private readonly ILogger _logger;
    private readonly VersionedSnapshotPoller _poller;
    private volatile ClientQuotaSnapshot _snapshot = ClientQuotaSnapshot.Empty;

    public ClientQuotaCache(IClientQuotaStore store, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _poller = new VersionedSnapshotPoller("client quota", store.ReadVersionAsync, () => Version, LoadAsync, pollInterval, timeProvider, logger);
    }

    /// <summary>The quotas now in force.</summary>
    public ClientQuotaSnapshot Snapshot => _snapshot;

    /// <summary>The store version the snapshot is as of; -1 before the first load.</summary>
    public long Version => _snapshot.Version;

    /// <summary>Loads every quota (a failure propagates), then starts polling.</summary>
    public Task StartAsync(CancellationToken ct) => _poller.StartAsync(ct);

    /// <summary>Reloads now, whatever the version says (a local AlterClientQuotas should apply at once).</summary>
    public Task RefreshAsync(CancellationToken ct) => _poller.ReloadAsync(ct);

    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    private async Task<Action?> LoadAsync(CancellationToken ct)
    {
        var (quotas, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
        _snapshot = ClientQuotaSnapshot.From(quotas, version);
        LogReloaded(quotas.Count, version);
        return null;
    }

    [LoggerMessage(EventId = 7801, Level = LogLevel.Debug, Message = "Client quota cache loaded {Count} entities as of version {Version}")]
    private partial void LogReloaded(int count, long version);
}
