using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Security.Tls;

/// <summary>
/// The certificate a listener presents, kept current without a restart: each new connection asks for
/// <see cref="Current"/>, which at most once a second compares the keystore file's last-write time and length
/// with what was loaded and reloads it when they differ. Connections already open keep the certificate they
/// shook hands with. A file that fails to load (half written, wrong password) is logged and the previous
/// certificate keeps serving; it is retried once the file changes again.
/// </summary>
public sealed class ServerCertificateSource
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SslKeystoreSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _reloadLock = new();
    private volatile Loaded _current;
    private long _nextCheckTimestamp;
    private FileStamp? _failedStamp;

    /// <exception cref="SslConfigException">The keystore cannot be loaded at start: a broker must not come up without its certificate.</exception>
    public ServerCertificateSource(SslKeystoreSettings settings, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var stamp = settings.Location is null ? null : FileStamp.Of(settings.Location);
        _current = Load(stamp);
        _nextCheckTimestamp = _time.GetTimestamp() + ToTimestampTicks(CheckInterval);
    }

    /// <summary>The certificate new handshakes present (leaf with private key).</summary>
    public X509Certificate2 Certificate => Current.TargetCertificate;

    /// <summary>The context for a new handshake: the leaf and the intermediates sent with it.</summary>
    public SslStreamCertificateContext Current
    {
        get
        {
            if (_settings.Location is not null) MaybeReload(_settings.Location);
            return _current.Context;
        }
    }

    private void MaybeReload(string location)
    {
        var now = _time.GetTimestamp();
        var due = Interlocked.Read(ref _nextCheckTimestamp);
        if (now < due) return;
        // One caller per interval does the check; the rest go on with the current certificate.
        if (Interlocked.CompareExchange(ref _nextCheckTimestamp, now + ToTimestampTicks(CheckInterval), due) != due) return;

        lock (_reloadLock)
        {
            FileStamp? stamp;
            try
            {
                stamp = FileStamp.Of(location);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TlsLog.StatFailed(_logger, location, e);
                return;
            }
            if (stamp == _current.Stamp || stamp == _failedStamp) return;
            if (stamp is null)
            {
                // Deleted (or mid-rename): keep serving; the replacement file will have a new stamp.
                TlsLog.StatFailed(_logger, location, new FileNotFoundException("keystore file is missing", location));
                _failedStamp = null;
                return;
            }
            try
            {
                _current = Load(stamp);
                _failedStamp = null;
            }
            catch (SslConfigException e)
            {
                _failedStamp = stamp;
                TlsLog.ReloadFailed(_logger, location, e);
            }
        }
    }

    private Loaded Load(FileStamp? stamp)
    {
        var keystore = KeystoreLoader.Load(_settings);
        // offline: the intermediates come from the keystore; fetching missing ones over the network
        // (AIA) would put an outbound HTTP call on the accept path.
        var context = SslStreamCertificateContext.Create(keystore.Certificate, keystore.Intermediates, offline: true);
        var certificate = keystore.Certificate;
        TlsLog.CertificateLoaded(_logger, _settings.Location ?? "inline PEM", certificate.Subject, certificate.NotAfter.ToUniversalTime(), certificate.Thumbprint);
        return new Loaded(context, stamp);
    }

    private long ToTimestampTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed record Loaded(SslStreamCertificateContext Context, FileStamp? Stamp);

    /// <summary>What identifies a version of the file cheaply, without reading it.</summary>
    private sealed record FileStamp(DateTime LastWriteUtc, long Length)
    {
        public static FileStamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : null;
        }
    }
}
