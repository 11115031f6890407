using Fjord.ControlPlane.Certificates;

namespace Fjord.Functions.Certificates;

/// <summary>A broker's certificate as listed: serial number, hosts, subject, validity, revocation time (null while valid). Never the key.</summary>
public sealed record BrokerCertificateInfo(
    string SerialNumber,
    IReadOnlyList<string> Hosts,
    string Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? RevokedAt)
{
    public static BrokerCertificateInfo From(CertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new(record.SerialNumber, record.Hosts, record.Subject, record.NotBefore, record.NotAfter, record.RevokedAt);
    }
}
