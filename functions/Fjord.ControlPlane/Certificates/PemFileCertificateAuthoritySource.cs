using System.Security.Cryptography;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The CA from a PEM certificate file and a PEM key file (what <c>security-init-local</c> writes as <c>ca.pem</c> and
/// <c>ca.key</c>). The key file must be readable by its owner only, as ssh insists for its keys: a CA key others can
/// read signs certificates for anyone. The files are read again when they change, so a CA rotated on disk is used
/// without a restart.
/// </summary>
public sealed class PemFileCertificateAuthoritySource(string certificatePath, string keyPath) : ICertificateAuthoritySource, IDisposable
{
    private const UnixFileMode OthersMayAccess =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly Lock _lock = new();
    private (DateTime Certificate, DateTime Key) _loadedStamps;
    private CertificateAuthority? _loaded;

    public async Task<CertificateAuthority> GetAsync(CancellationToken ct)
    {
        try
        {
            var stamps = (File.GetLastWriteTimeUtc(certificatePath), File.GetLastWriteTimeUtc(keyPath));
            lock (_lock)
            {
                if (_loaded is not null && stamps == _loadedStamps) return _loaded;
            }
            if (!File.Exists(certificatePath)) throw Unavailable($"the CA certificate file {certificatePath} does not exist");
            if (!File.Exists(keyPath)) throw Unavailable($"the CA key file {keyPath} does not exist");
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & OthersMayAccess) != 0)
                throw Unavailable($"the CA key file {keyPath} may be read by others than its owner; chmod 600 it");
            var certificate = await File.ReadAllTextAsync(certificatePath, ct).ConfigureAwait(false);
            var key = await File.ReadAllTextAsync(keyPath, ct).ConfigureAwait(false);
            var ca = CertificateAuthority.FromPem(certificate, key);
            lock (_lock)
            {
                // The previous CA is left to the collector: a request may still be signing with it.
                _loaded = ca;
                _loadedStamps = stamps;
            }
            return ca;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or CryptographicException)
        {
            throw Unavailable($"the CA cannot be loaded from {certificatePath} and {keyPath}: {e.Message}", e);
        }
    }

    public void Dispose() => _loaded?.Dispose();

    private static CertificateAuthorityUnavailableException Unavailable(string message, Exception? inner = null) => new(message, configured: true, inner);
}
