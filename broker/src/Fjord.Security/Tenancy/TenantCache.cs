using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Principals;
using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tenancy;

/// <summary>
/// Every tenant in memory, so resolving a principal's tenant at authentication never waits on storage. Polls the
/// registry's version like the ACL and SCRAM caches; a storage error keeps the last snapshot serving. A tenant
/// that stops being active (suspended, being deleted, gone) is announced, so its connections can be closed.
/// </summary>
public sealed partial class TenantCache : IAsyncDisposable
{
    private readonly ITenantStore _store;
    private readonly ILogger _logger;
    private readonly VersionedSnapshotPoller _poller;
    private volatile FrozenDictionary<string, TenantScope> _tenants = FrozenDictionary<string, TenantScope>.Empty;
    private long _version = -1;

    public TenantCache(ITenantStore store, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _poller = new VersionedSnapshotPoller("tenant", store.GetVersionAsync, () => Version, LoadAsync, pollInterval, timeProvider, logger);
    }

    /// <summary>
    /// Raised with the tenant's id when a tenant that was active is no longer (suspended, being deleted, or gone)
    /// after a reload. Handlers run on the reload's thread; their exceptions are logged.
    /// </summary>
    public event Action<string>? TenantDeactivated;

    /// <summary>The registry version the snapshot is as of; -1 before the first load.</summary>
    public long Version => Interlocked.Read(ref _version);

    public IReadOnlyCollection<TenantScope> Tenants => _tenants.Values;

    public Task StartAsync(CancellationToken ct) => _poller.StartAsync(ct);

    /// <summary>Reloads now, whatever the version says.</summary>
    public Task RefreshAsync(CancellationToken ct) => _poller.ReloadAsync(ct);

    public bool TryGet(string id, [NotNullWhen(true)] out TenantScope? tenant) => _tenants.TryGetValue(id, out tenant);

    /// <summary>The tenant a stored name (topic, group, principal name) belongs to, in whatever state; null when none does.</summary>
    public TenantScope? OwnerOf(string storedName) =>
        TenantNamespace.TryGetTenantId(storedName, out var id) && _tenants.TryGetValue(id, out var tenant) ? tenant : null;

    /// <summary>The tenant an authenticated principal belongs to (its name is <c>tenant.user</c>), in whatever state; null for the operator's principals.</summary>
    public TenantScope? Resolve(KafkaPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return OwnerOf(principal.Name);
    }

    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    private async Task<Action?> LoadAsync(CancellationToken ct)
    {
        // The version first: a change that lands between the two reads moves the version past this snapshot's, so
        // the next poll loads again rather than missing it.
        var version = await _store.GetVersionAsync(ct).ConfigureAwait(false);
        var tenants = await _store.ListAsync(ct).ConfigureAwait(false);
        var previous = _tenants;
        var next = new Dictionary<string, TenantScope>(tenants.Count, StringComparer.Ordinal);
        foreach (var tenant in tenants)
            // An unchanged tenant keeps its scope, and with it the name translations it has cached.
            next[tenant.Id] = previous.TryGetValue(tenant.Id, out var known) && known.Tenant == tenant ? known : new TenantScope(tenant);
        string[] deactivated = [.. previous.Values.Where(t => t.IsActive && !(next.TryGetValue(t.Id, out var now) && now.IsActive)).Select(t => t.Id)];
        _tenants = next.ToFrozenDictionary(StringComparer.Ordinal);
        Interlocked.Exchange(ref _version, version);
        Log.Reloaded(_logger, next.Count, version);
        return deactivated.Length == 0 ? null : () =>
        {
            foreach (var id in deactivated)
                RaiseDeactivated(id);
        };
    }

    private void RaiseDeactivated(string id)
    {
        if (TenantDeactivated is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<string>>())
        {
            try
            {
                handler(id);
            }
            catch (Exception e)
            {
                Log.DeactivatedHandlerFailed(_logger, id, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7701, Level = LogLevel.Debug, Message = "Tenant cache loaded {Count} tenants as of version {Version}")]
        public static partial void Reloaded(ILogger logger, int count, long version);

        [LoggerMessage(EventId = 7702, Level = LogLevel.Error, Message = "A handler of the deactivation of tenant {Tenant} failed")]
        public static partial void DeactivatedHandlerFailed(ILogger logger, string tenant, Exception exception);
    }
}
