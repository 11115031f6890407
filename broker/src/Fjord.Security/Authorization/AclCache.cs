using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Authorization;

/// <summary>
/// Keeps an <see cref="AclAuthorizer"/> current with the <see cref="IAclStore"/>: loads every ACL at start, then
/// reads only the store's version every poll interval and reloads when it moved. With the default 500 ms a
/// change made on any broker is enforced everywhere within about two seconds. Storage errors are logged and
/// retried at the next poll while the last snapshot keeps serving: an outage must not deny or allow anything new.
/// </summary>
public sealed partial class AclCache : IAsyncDisposable
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    private readonly IAclStore _store;
    private readonly AclAuthorizer _authorizer;
    private readonly ILogger _logger;
    private readonly VersionedSnapshotPoller _poller;

    public AclCache(IAclStore store, AclAuthorizer authorizer, TimeSpan pollInterval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _authorizer = authorizer;
        _logger = logger;
        _poller = new VersionedSnapshotPoller("ACL", store.ReadVersionAsync, () => authorizer.Version, LoadAsync, pollInterval, time, logger);
    }

    /// <summary>Raised after a new snapshot reached the authorizer (on the thread that loaded it).</summary>
    public event Action? Changed;

    /// <summary>The store version the authorizer's snapshot is as of.</summary>
    public long Version => _authorizer.Version;

    /// <summary>Loads the ACLs (a broker must not serve before it can authorize) and starts polling.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _store.InitializeAsync(ct).ConfigureAwait(false);
        await _poller.StartAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Reloads now: after a write on this broker, so the writer sees its change at once.</summary>
    public Task RefreshAsync(CancellationToken ct) => _poller.ReloadAsync(ct);

    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    private async Task<Action?> LoadAsync(CancellationToken ct)
    {
        var (acls, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
        if (version == _authorizer.Version || !_authorizer.Update(acls, version)) return null;
        LogReloaded(acls.Count, version);
        return Changed;
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Loaded {Count} ACLs at version {Version}")]
    private partial void LogReloaded(int count, long version);
}
