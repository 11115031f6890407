namespace Fjord.ControlPlane.Certificates;

/// <summary>A broker's new certificate with its private key (PKCS#8 PEM): handed out once, never stored.</summary>
public sealed record IssuedBrokerCertificate(CertificateRecord Record, string ChainPem, string PrivateKeyPem, string CaCertificatePem);
