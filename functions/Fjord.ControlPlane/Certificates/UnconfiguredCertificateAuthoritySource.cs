namespace Fjord.ControlPlane.Certificates;

/// <summary>A control plane told no CA: every certificate operation says what to set instead of failing obscurely.</summary>
public sealed class UnconfiguredCertificateAuthoritySource(string hint) : ICertificateAuthoritySource
{
    public Task<CertificateAuthority> GetAsync(CancellationToken ct) =>
        Task.FromException<CertificateAuthority>(new CertificateAuthorityUnavailableException($"This control plane has no cluster CA; its operator sets {hint}", configured: false));
}
