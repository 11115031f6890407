using Azure;
using Azure.Security.KeyVault.Secrets;

namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// The CA from a Key Vault secret (or the secret side of a Key Vault certificate), read with the app's identity; only
/// the control plane's identity is granted <c>get</c> on it. The value is kept for <see cref="Refresh"/>, so a CA
/// rotated in the vault is picked up within minutes without a request per signature to the vault.
/// </summary>
public sealed class KeyVaultCertificateAuthoritySource(SecretClient secrets, string secretName, TimeProvider time) : ICertificateAuthoritySource, IDisposable
{
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private CertificateAuthority? _loaded;
    private DateTimeOffset _loadedAt;

    public async Task<CertificateAuthority> GetAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_loaded is not null && time.GetUtcNow() - _loadedAt < Refresh) return _loaded;
            KeyVaultSecret secret;
            try
            {
                secret = (await secrets.GetSecretAsync(secretName, cancellationToken: ct).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e)
            {
                // A CA read before keeps signing through a vault outage; a first read has nothing to fall back on.
                if (_loaded is not null) return _loaded;
                throw new CertificateAuthorityUnavailableException($"Key Vault {secrets.VaultUri} refused secret {secretName} ({e.Status}): {e.Message}", configured: true, e);
            }
            try
            {
                _loaded = KeyVaultSecretContent.Parse(secret.Value ?? "", secret.Properties.ContentType);
            }
            catch (FormatException e)
            {
                throw new CertificateAuthorityUnavailableException($"Key Vault secret {secretName} does not hold the CA: {e.Message}", configured: true, e);
            }
            _loadedAt = time.GetUtcNow();
            return _loaded;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        _loaded?.Dispose();
    }
}
