using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Storage;
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
    private readonly ILogger _logger;
    private readonly VersionedSnapshotPoller _poller;
    private volatile FrozenDictionary<ScramCredentialKey, ScramCredential> _snapshot = FrozenDictionary<ScramCredentialKey, ScramCredential>.Empty;
    private long _version = -1;

    public ScramCredentialCache(IScramCredentialStore store, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _poller = new VersionedSnapshotPoller("SCRAM credential", store.ReadVersionAsync, () => Version, LoadAsync, pollInterval, timeProvider, logger);
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
    public Task StartAsync(CancellationToken ct) => _poller.StartAsync(ct);

    public bool TryGet(string user, ScramMechanism mechanism, [MaybeNullWhen(false)] out ScramCredential credential) =>
        _snapshot.TryGetValue(new ScramCredentialKey(user, mechanism), out credential);

    /// <summary>Reloads now, whatever the version says (a local write should be visible to the next login).</summary>
    public Task RefreshAsync(CancellationToken ct) => _poller.ReloadAsync(ct);

    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    private async Task<Action?> LoadAsync(CancellationToken ct)
    {
        var (credentials, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
        var next = new Dictionary<ScramCredentialKey, ScramCredential>(credentials.Count);
        foreach (var c in credentials)
            next[new ScramCredentialKey(c.User, c.Mechanism)] = c.Credential;

        var previous = _snapshot;
        string[] removed = [.. previous.Keys.Where(k => !next.ContainsKey(k)).Select(k => k.User).Distinct(StringComparer.Ordinal)];
        _snapshot = next.ToFrozenDictionary();
        Interlocked.Exchange(ref _version, version);
        Log.Reloaded(_logger, next.Count, version);
        // Announced once the reload lock is released: a handler may close connections or refresh again.
        return removed.Length == 0 ? null : () =>
        {
            foreach (var user in removed)
                RaiseRemoved(user);
        };
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


        [LoggerMessage(EventId = 7603, Level = LogLevel.Error, Message = "A handler of the removal of user {User}'s SCRAM credential failed")]
        public static partial void RemovedHandlerFailed(ILogger logger, string user, Exception exception);
    }
}
