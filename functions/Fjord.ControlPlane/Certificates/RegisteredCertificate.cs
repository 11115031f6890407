namespace Fjord.ControlPlane.Certificates;

/// <summary>A registry row as the reconciler reads it: the certificate, where it delivered it, and when it reported its coming expiry.</summary>
/// <param name="Keystore">The broker keystore a renewal was written to; null for certificates handed out through the API.</param>
public sealed record RegisteredCertificate(CertificateRecord Record, string? Keystore, DateTimeOffset? ExpiryNotedAt);
