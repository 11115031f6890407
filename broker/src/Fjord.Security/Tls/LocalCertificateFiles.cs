namespace Fjord.Security.Tls;

/// <summary>
/// The files <see cref="LocalCertificateAuthority.EnsureLocalCertificates"/> maintains in a folder.
/// <see cref="KeystorePath"/> is what <c>ssl.keystore.location</c> (type PEM) points at; clients trust
/// <see cref="CaCertificatePath"/> (<c>ssl.truststore.location</c>, or librdkafka's <c>ssl.ca.location</c>).
/// </summary>
public sealed record LocalCertificateFiles(
    string CaCertificatePath,
    string CaKeyPath,
    string CertificateChainPath,
    string KeyPath,
    string KeystorePath);
