using Fjord.ControlPlane.Certificates;

namespace Fjord.Functions.Certificates;

/// <summary>
/// A certificate just signed: what it is (as listed) and its PEM, the chain a client sends (certificate then CA, for
/// <c>ssl.certificate.location</c>) and the CA alone (for <c>ssl.ca.location</c>). The key never left the caller.
/// </summary>
public sealed record SignedCertificateResource(
    string SerialNumber,
    string User,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string CertificatePem,
    string ChainPem,
    string CaCertificatePem)
{
    public static SignedCertificateResource From(SignedCertificate signed)
    {
        ArgumentNullException.ThrowIfNull(signed);
        var r = signed.Record;
        return new(r.SerialNumber, r.User ?? "", r.Subject, r.Issuer, r.NotBefore, r.NotAfter, signed.CertificatePem, signed.ChainPem, signed.CaCertificatePem);
    }
}
