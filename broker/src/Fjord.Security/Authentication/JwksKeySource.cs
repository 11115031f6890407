using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Fjord.Security.Authentication;

/// <summary>
/// The identity provider's signing keys, read from a JWKS (https:// or file://) and read again every refresh
/// interval, or sooner, once per <see cref="OAuthBearerOptions.UnknownKeyReloadInterval"/>, when a token names a
/// key id we do not have. A failed read keeps the keys we had: a provider outage must not fail every login.
/// </summary>
internal sealed partial class JwksKeySource : IDisposable
{
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }));

    private readonly Uri _url;
    private readonly TimeSpan _refresh;
    private readonly TimeSpan _unknownKeyInterval;
    private readonly TimeProvider _time;
    private readonly HttpClient? _http;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    // UTC ticks, 0 for never; longs so that concurrent logins read them without tearing.
    private long _loadedAtTicks;
    private long _unknownKeyLoadTicks;

    public JwksKeySource(OAuthBearerOptions options, TimeProvider time, HttpClient? http, ILogger logger)
    {
        _url = options.JwksEndpointUrl;
        if (_url.Scheme != Uri.UriSchemeHttps && _url.Scheme != Uri.UriSchemeFile)
            throw new ArgumentException($"{OAuthBearerOptions.JwksEndpointUrlConfig} must be https:// or file://, not {_url.Scheme}://", nameof(options));
        _refresh = options.JwksEndpointRefresh;
        _unknownKeyInterval = options.UnknownKeyReloadInterval;
        _time = time;
        _http = http;
        _logger = logger;
    }

    /// <summary>Loads the JWKS now; a broker can call it at start so the first login does not wait.</summary>
    public Task LoadAsync(CancellationToken ct) => ReloadAsync(force: true, ct);

    /// <summary>The current keys, reloaded first when stale or when <paramref name="keyId"/> is unknown (rate limited).</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken ct)
    {
        if (IsStale(_time.GetUtcNow().UtcTicks))
            await ReloadAsync(force: false, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(keyId) && !_keys.Any(k => k.KeyId == keyId) && TryClaimUnknownKeyReload())
        {
            Log.UnknownKey(_logger, keyId, _url);
            await ReloadAsync(force: true, ct).ConfigureAwait(false);
        }

        return _keys;
    }

    public void Dispose() => _loadLock.Dispose();

    private bool IsStale(long nowTicks)
    {
        var loaded = Volatile.Read(ref _loadedAtTicks);
        return loaded == 0 || nowTicks - loaded >= _refresh.Ticks;
    }

    /// <summary>Of logins racing with unknown key ids, one wins the reload per interval.</summary>
    private bool TryClaimUnknownKeyReload()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var last = Volatile.Read(ref _unknownKeyLoadTicks);
        if (last != 0 && now - last < _unknownKeyInterval.Ticks)
            return false;
        return Interlocked.CompareExchange(ref _unknownKeyLoadTicks, now, last) == last;
    }

    private async Task ReloadAsync(bool force, CancellationToken ct)
    {
        await _loadLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow().UtcTicks;
            // Another caller may have reloaded while this one waited for the lock.
            if (!force && !IsStale(now))
                return;
            Volatile.Write(ref _loadedAtTicks, now);
            try
            {
                var json = _url.IsFile
                    ? await File.ReadAllTextAsync(_url.LocalPath, ct).ConfigureAwait(false)
                    : await (_http ?? SharedHttp.Value).GetStringAsync(_url, ct).ConfigureAwait(false);
                var keys = new JsonWebKeySet(json).GetSigningKeys();
                _keys = [.. keys];
                Log.Loaded(_logger, keys.Count, _url);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.LoadFailed(_logger, _url, _keys.Count, e);
            }
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7611, Level = LogLevel.Debug, Message = "Loaded {Count} signing keys from {JwksUrl}")]
        public static partial void Loaded(ILogger logger, int count, Uri jwksUrl);

        [LoggerMessage(EventId = 7612, Level = LogLevel.Warning, Message = "Reading the JWKS at {JwksUrl} failed; the {Count} keys read before stay in use")]
        public static partial void LoadFailed(ILogger logger, Uri jwksUrl, int count, Exception exception);

        [LoggerMessage(EventId = 7613, Level = LogLevel.Information, Message = "A token names key id {KeyId}, unknown; reading the JWKS at {JwksUrl} again")]
        public static partial void UnknownKey(ILogger logger, string keyId, Uri jwksUrl);
    }
}
