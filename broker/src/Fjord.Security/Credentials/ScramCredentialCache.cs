using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Credentials;

/// <summary>
/// Every SCRAM credential in memory, so a SASL exchange never waits on storage. A background loop reads the
/// store's version every poll interval and reloads when it moved; a storage error is logged and retried on the
/// next tick while the last snapshot keeps serving (an outage must not lock every client out).
/// </summary>
public sealed partial class ScramCredentialCache : IScramCredentialLookup, IAsyncDisposable
{
    private readonly IScramCredentialStore _store;
    private readonly TimeSpan _pollInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _reloadLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile FrozenDictionary<ScramCredentialKey, ScramCredential> _snapshot = FrozenDictionary<ScramCredentialKey, ScramCredential>.Empty;
    private long _version = -1;
    private PeriodicTimer? _timer;
    private Task? _pollLoop;

    public ScramCredentialCache(IScramCredentialStore store, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(pollInterval, TimeSpan.Zero);
        _store = store;
        _pollInterval = pollInterval;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Raised with a user's name when a credential of theirs, for any mechanism, is gone after a reload, so the
    /// broker can close that user's live connections. Handlers run on the reload's thread; their exceptions are logged.
    /// </summary>
    public event Action<string>? CredentialRemoved;

    /// <summary>The store version the snapshot is as of; -1 before the first load.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _snapshot.Count;

    /// <summary>Loads every credential (a failure propagates: a broker must not start without them), then starts polling.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (_pollLoop is not null)
            throw new InvalidOperationException("the cache has already started");
        await ReloadAsync(ct).ConfigureAwait(false);
        // The timer exists before StartAsync returns, so time advanced right after start counts as a tick.
        _timer = new PeriodicTimer(_pollInterval, _time);
        _pollLoop = Task.Run(() => PollAsync(_timer, _stopping.Token), CancellationToken.None);
    }

    public bool TryGet(string user, ScramMechanism mechanism, [MaybeNullWhen(false)] out ScramCredential credential) =>
        _snapshot.TryGetValue(new ScramCredentialKey(user, mechanism), out credential);

    /// <summary>Reloads now, whatever the version says (a local write should be visible to the next login).</summary>
    public Task RefreshAsync(CancellationToken ct) => ReloadAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _timer?.Dispose();
        if (_pollLoop is not null)
        {
            try
            {
                await _pollLoop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stopping.Dispose();
        _reloadLock.Dispose();
    }

    private async Task PollAsync(PeriodicTimer timer, CancellationToken ct)
    {
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
        {
            try
            {
                var version = await _store.ReadVersionAsync(ct).ConfigureAwait(false);
                if (version != Version)
                    await ReloadAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.PollFailed(_logger, _pollInterval, e);
            }
        }
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        await _reloadLock.WaitAsync(ct).ConfigureAwait(false);
        List<string> removed;
        try
        {
            var (credentials, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
            var next = new Dictionary<ScramCredentialKey, ScramCredential>(credentials.Count);
            foreach (var c in credentials)
                next[new ScramCredentialKey(c.User, c.Mechanism)] = c.Credential;

            var previous = _snapshot;
            removed = [.. previous.Keys.Where(k => !next.ContainsKey(k)).Select(k => k.User).Distinct(StringComparer.Ordinal)];
            _snapshot = next.ToFrozenDictionary();
            Interlocked.Exchange(ref _version, version);
            Log.Reloaded(_logger, next.Count, version);
        }
        finally
        {
            _reloadLock.Release();
        }

        foreach (var user in removed)
            RaiseRemoved(user);
    }

    private void RaiseRemoved(string user)
    {
        var handlers = CredentialRemoved;
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<string>>())
        {
            try
            {
                handler(user);
            }
            catch (Exception e)
            {
                Log.RemovedHandlerFailed(_logger, user, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7601, Level = LogLevel.Debug, Message = "SCRAM credential cache loaded {Count} credentials as of version {Version}")]
        public static partial void Reloaded(ILogger logger, int count, long version);

        [LoggerMessage(EventId = 7602, Level = LogLevel.Warning, Message = "Reading SCRAM credentials failed; the last snapshot keeps serving and the read is retried in {PollInterval}")]
        public static partial void PollFailed(ILogger logger, TimeSpan pollInterval, Exception exception);

        [LoggerMessage(EventId = 7603, Level = LogLevel.Error, Message = "A handler of the removal of user {User}'s SCRAM credential failed")]
        public static partial void RemovedHandlerFailed(ILogger logger, string user, Exception exception);
    }
}
