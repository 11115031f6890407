namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>The cluster CA: the PEM clients trust, its subject and expiry.</summary>
public sealed record CaCertificateModel(string CertificatePem, string Subject, DateTimeOffset NotAfter);
