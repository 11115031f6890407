using Fjord.ControlPlane.Certificates;

namespace Fjord.Functions.Certificates;

/// <summary>
/// A tenant's certificate as the API lists it: serial number (hex, the name to revoke it by), the user it authenticates
/// as, its subject and issuer (RFC 2253), validity, and when it was revoked (null while it is not). Never a key.
/// </summary>
public sealed record CertificateResource(
    string SerialNumber,
    string User,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? RevokedAt)
{
    public static CertificateResource From(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.SerialNumber, record.User ?? "", record.Subject, record.Issuer, record.NotBefore, record.NotAfter, record.RevokedAt);
    }
}
