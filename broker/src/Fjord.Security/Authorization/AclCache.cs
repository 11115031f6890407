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
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private Task? _loop;
    private int _failures;

    public AclCache(IAclStore store, AclAuthorizer authorizer, TimeSpan pollInterval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _store = store;
        _authorizer = authorizer;
        _pollInterval = pollInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after a new snapshot reached the authorizer (on the thread that loaded it).</summary>
    public event Action? Changed;

    /// <summary>The store version the authorizer's snapshot is as of.</summary>
    public long Version => _authorizer.Version;

    /// <summary>Loads the ACLs (a broker must not serve before it can authorize) and starts polling.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_loop is not null) throw new InvalidOperationException("The ACL cache is already started.");
        await _store.InitializeAsync(ct).ConfigureAwait(false);
        await ReloadAsync(ct).ConfigureAwait(false);
        _loop = Task.Run(() => PollAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Reloads now: after a write on this broker, so the writer sees its change at once.</summary>
    public Task RefreshAsync(CancellationToken ct) => ReloadAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stopping.Dispose();
        _reloadLock.Dispose();
    }

    private async Task PollAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(_pollInterval, _time, ct).ConfigureAwait(false);
            try
            {
                var version = await _store.ReadVersionAsync(ct).ConfigureAwait(false);
                if (version != _authorizer.Version)
                    await ReloadAsync(ct).ConfigureAwait(false);
                if (_failures > 0)
                {
                    LogStoreReachable(_failures);
                    _failures = 0;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _failures++;
                LogStoreUnreachable(e, _failures, _authorizer.Version);
            }
        }
    }

    /// <summary>One reload at a time, so a refresh and a poll do not load twice for one change.</summary>
    private async Task ReloadAsync(CancellationToken ct)
    {
        await _reloadLock.WaitAsync(ct).ConfigureAwait(false);
        bool updated;
        try
        {
            var (acls, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
            updated = version != _authorizer.Version && _authorizer.Update(acls, version);
            if (updated) LogReloaded(acls.Count, version);
        }
        finally
        {
            _reloadLock.Release();
        }
        if (updated) Changed?.Invoke();
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Loaded {Count} ACLs at version {Version}")]
    private partial void LogReloaded(int count, long version);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "ACL store unreachable ({Failures} failed polls); serving the ACLs of version {Version}")]
    private partial void LogStoreUnreachable(Exception exception, int failures, long version);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "ACL store reachable again after {Failures} failed polls")]
    private partial void LogStoreReachable(int failures);
}
