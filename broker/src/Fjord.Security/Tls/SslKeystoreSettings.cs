namespace Fjord.Security.Tls;

/// <summary>
/// Where a listener's own certificate and private key come from: a file (<see cref="Location"/>) or Kafka's
/// inline PEM form (<see cref="CertificateChainPem"/> + <see cref="KeyPem"/>), never both.
/// </summary>
public sealed record SslKeystoreSettings(
    SslStoreType Type,
    string? Location,
    string? Password,
    string? KeyPassword,
    string? CertificateChainPem,
    string? KeyPem)
{
    /// <summary>A file keystore can be replaced on disk and is re-read; an inline one is fixed for the process.</summary>
    public bool IsFile => Location is not null;
}
