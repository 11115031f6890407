using Fjord.ControlPlane.Certificates;

namespace Fjord.Functions.Certificates;

/// <summary>
/// A broker's new certificate: the chain (certificate then CA) and its private key (PKCS#8 PEM), shown this once and
/// never stored; put both in the broker's keystore (<c>ssl.keystore.location</c> with <c>ssl.keystore.type=PEM</c>).
/// </summary>
public sealed record BrokerCertificateResource(
    string SerialNumber,
    IReadOnlyList<string> Hosts,
    string Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string ChainPem,
    string PrivateKeyPem,
    string CaCertificatePem)
{
    public static BrokerCertificateResource From(IssuedBrokerCertificate issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var r = issued.Record;
        return new(r.SerialNumber, r.Hosts, r.Subject, r.NotBefore, r.NotAfter, issued.ChainPem, issued.PrivateKeyPem, issued.CaCertificatePem);
    }
}
