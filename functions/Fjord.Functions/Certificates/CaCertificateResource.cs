namespace Fjord.Functions.Certificates;

/// <summary>The cluster CA: the PEM clients trust (<c>ssl.ca.location</c>), its subject and when it expires.</summary>
public sealed record CaCertificateResource(string CertificatePem, string Subject, DateTimeOffset NotAfter);
