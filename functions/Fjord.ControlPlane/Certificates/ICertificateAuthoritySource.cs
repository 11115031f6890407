namespace Fjord.ControlPlane.Certificates;

/// <summary>Where the control plane gets the cluster CA it signs with: a PEM file pair locally, Key Vault in Azure.</summary>
public interface ICertificateAuthoritySource
{
    /// <summary>The CA; the source owns it (callers must not dispose it).</summary>
    /// <exception cref="CertificateAuthorityUnavailableException">It is not configured, or cannot be read now.</exception>
    Task<CertificateAuthority> GetAsync(CancellationToken ct);
}
