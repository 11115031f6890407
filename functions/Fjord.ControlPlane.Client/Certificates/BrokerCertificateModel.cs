namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>A broker's new certificate chain and private key, shown this once.</summary>
public sealed record BrokerCertificateModel(
    string SerialNumber,
    IReadOnlyList<string> Hosts,
    string Subject,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string ChainPem,
    string PrivateKeyPem,
    string CaCertificatePem);
