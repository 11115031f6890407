using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Storage;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tls;

/// <summary>
/// Every revoked certificate in memory, so a TLS handshake never waits on storage. Polls the store's version like the
/// ACL, SCRAM and tenant caches; a storage error keeps the last snapshot serving (a revocation already seen is never
/// forgotten because storage is down). Newly revoked certificates are announced, so their live connections can be
/// closed: a revocation reaches every broker within one poll interval.
/// </summary>
public sealed partial class CertificateRevocationCache : IAsyncDisposable
{
    private readonly ICertificateRevocationStore _store;
    private readonly ILogger _logger;
    private readonly VersionedSnapshotPoller _poller;
    private volatile FrozenSet<CertificateIdentity> _revoked = FrozenSet<CertificateIdentity>.Empty;
    private long _version = -1;

    public CertificateRevocationCache(ICertificateRevocationStore store, TimeSpan pollInterval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _logger = logger;
        _poller = new VersionedSnapshotPoller("certificate revocation", store.GetVersionAsync, () => Version, LoadAsync, pollInterval, timeProvider, logger);
    }

    /// <summary>
    /// Raised with the certificates revoked since the previous reload. Handlers run on the reload's thread; their
    /// exceptions are logged.
    /// </summary>
    public event Action<IReadOnlySet<CertificateIdentity>>? CertificatesRevoked;

    /// <summary>The store version the snapshot is as of; -1 before the first load.</summary>
    public long Version => Interlocked.Read(ref _version);

    public int Count => _revoked.Count;

    public Task StartAsync(CancellationToken ct) => _poller.StartAsync(ct);

    /// <summary>Reloads now, whatever the version says.</summary>
    public Task RefreshAsync(CancellationToken ct) => _poller.ReloadAsync(ct);

    public bool IsRevoked(CertificateIdentity certificate) => _revoked.Contains(certificate);

    public bool IsRevoked(X509Certificate2 certificate) => IsRevoked(CertificateIdentity.From(certificate));

    public ValueTask DisposeAsync() => _poller.DisposeAsync();

    private async Task<Action?> LoadAsync(CancellationToken ct)
    {
        var (revocations, version) = await _store.LoadAsync(ct).ConfigureAwait(false);
        var next = revocations.Select(r => r.Certificate).ToFrozenSet();
        var previous = _revoked;
        var added = next.Where(c => !previous.Contains(c)).ToHashSet();
        _revoked = next;
        Interlocked.Exchange(ref _version, version);
        Log.Reloaded(_logger, next.Count, version);
        return added.Count == 0 ? null : () => RaiseRevoked(added);
    }

    private void RaiseRevoked(HashSet<CertificateIdentity> revoked)
    {
        if (CertificatesRevoked is not { } handlers) return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<IReadOnlySet<CertificateIdentity>>>())
        {
            try
            {
                handler(revoked);
            }
            catch (Exception e)
            {
                Log.RevokedHandlerFailed(_logger, revoked.Count, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4111, Level = LogLevel.Debug, Message = "Certificate revocation cache loaded {Count} revoked certificates as of version {Version}")]
        public static partial void Reloaded(ILogger logger, int count, long version);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "A handler of the revocation of {Count} certificate(s) failed")]
        public static partial void RevokedHandlerFailed(ILogger logger, int count, Exception exception);
    }
}
