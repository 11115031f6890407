namespace Fjord.ControlPlane.Client.Certificates;

/// <summary>A tenant's certificate as listed: serial number (hex), user, subject, issuer, validity, revocation time (null while valid).</summary>
public sealed record CertificateModel(
    string SerialNumber,
    string User,
    string Subject,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset? RevokedAt);
