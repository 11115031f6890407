namespace Fjord.ControlPlane.Certificates;

/// <summary>
/// One certificate the control plane issued, as its registry keeps it (never the key). A tenant's client certificate
/// has <see cref="Tenant"/> and <see cref="User"/>; a broker's has neither and lists its <see cref="Hosts"/>.
/// </summary>
public sealed record CertificateRecord(
    string SerialNumber,
    string? Tenant,
    string? User,
    string Subject,
    string Issuer,
    IReadOnlyList<string> Hosts,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? RevokedAt)
{
    public bool IsBroker => Tenant is null;
}
