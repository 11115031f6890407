using Microsoft.Extensions.Logging;

namespace Fjord.Security.Storage;

/// <summary>
/// Keeps an in-memory snapshot of a versioned store current, for the ACL and SCRAM caches alike: loads it at
/// start (a failure propagates: a broker must not serve without it), then reads only the store's version every
/// poll interval and reloads when it moved. One reload at a time, so a local refresh and a poll do not load twice
/// for one change. A storage error is logged and retried at the next tick while the last snapshot keeps serving:
/// an outage must neither lock clients out nor let anything new in.
/// </summary>
internal sealed partial class VersionedSnapshotPoller : IAsyncDisposable
{
    private readonly string _storeName;
    private readonly Func<CancellationToken, Task<long>> _readVersion;
    private readonly Func<long> _snapshotVersion;
    private readonly Func<CancellationToken, Task<Action?>> _reload;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private PeriodicTimer? _timer;
    private Task? _loop;
    private int _failures;

    /// <param name="storeName">What the log lines call the store ("ACL", "SCRAM credential").</param>
    /// <param name="readVersion">The store's version: one cheap read.</param>
    /// <param name="snapshotVersion">The version the snapshot in memory is as of.</param>
    /// <param name="reload">Loads the store into the snapshot; returns what to announce once the reload lock is released (or null).</param>
    public VersionedSnapshotPoller(string storeName, Func<CancellationToken, Task<long>> readVersion, Func<long> snapshotVersion,
        Func<CancellationToken, Task<Action?>> reload, TimeSpan pollInterval, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _storeName = storeName;
        _readVersion = readVersion;
        _snapshotVersion = snapshotVersion;
        _reload = reload;
        _pollInterval = pollInterval;
        _time = time;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken ct)
    {
        if (_loop is not null) throw new InvalidOperationException($"The {_storeName} cache is already started.");
        await ReloadAsync(ct).ConfigureAwait(false);
        // The timer exists before StartAsync returns, so time advanced right after the start counts as a tick.
        _timer = new PeriodicTimer(_pollInterval, _time);
        _loop = Task.Run(() => PollAsync(_timer, _stopping.Token), CancellationToken.None);
    }

    /// <summary>Reloads now, whatever the version says: after a write on this broker, so the writer sees its change at once.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        await _reloadLock.WaitAsync(ct).ConfigureAwait(false);
        Action? announce;
        try
        {
            announce = await _reload(ct).ConfigureAwait(false);
        }
        finally
        {
            _reloadLock.Release();
        }
        announce?.Invoke();
    }

    private async Task PollAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    if (await _readVersion(ct).ConfigureAwait(false) != _snapshotVersion())
                        await ReloadAsync(ct).ConfigureAwait(false);
                    if (_failures > 0)
                    {
                        LogStoreReachable(_storeName, _failures);
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
                    LogStoreUnreachable(e, _storeName, _failures, _snapshotVersion());
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _timer?.Dispose();
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stopping.Dispose();
        _reloadLock.Dispose();
    }

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "{Store} store unreachable ({Failures} failed polls); serving the snapshot of version {Version}")]
    private partial void LogStoreUnreachable(Exception exception, string store, int failures, long version);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "{Store} store reachable again after {Failures} failed polls")]
    private partial void LogStoreReachable(string store, int failures);
}
