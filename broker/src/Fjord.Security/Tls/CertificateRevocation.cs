namespace Fjord.Security.Tls;

/// <summary>
/// One revoked certificate as the brokers read it. <see cref="NotAfter"/> is kept so that a revocation can be
/// dropped once the certificate has expired anyway (an expired one is refused by the chain check).
/// </summary>
public sealed record CertificateRevocation(CertificateIdentity Certificate, DateTimeOffset RevokedAt, DateTimeOffset NotAfter);
