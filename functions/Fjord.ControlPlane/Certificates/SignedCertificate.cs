namespace Fjord.ControlPlane.Certificates;

/// <summary>A tenant's signed certificate: its record, its PEM, the chain (certificate then CA) and the CA alone.</summary>
public sealed record SignedCertificate(CertificateRecord Record, string CertificatePem, string ChainPem, string CaCertificatePem);
