namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>A certificate just signed: its PEM, the chain to send (certificate then CA) and the CA to trust.</summary>
public sealed record SignedCertificateModel(
    string SerialNumber,
    string User,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    string CertificatePem,
    string ChainPem,
    string CaCertificatePem);
