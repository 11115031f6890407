namespace Fjord.Security.Tls;

/// <summary>The CAs a peer's certificate must chain to: a file (<see cref="Location"/>) or inline PEM certificates.</summary>
public sealed record SslTruststoreSettings(
    SslStoreType Type,
    string? Location,
    string? Password,
    string? CertificatesPem);
