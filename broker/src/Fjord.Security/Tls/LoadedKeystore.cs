using System.Security.Cryptography.X509Certificates;

namespace Fjord.Security.Tls;

/// <summary>A certificate with its private key, and the intermediates a peer needs to chain it to a CA.</summary>
public sealed record LoadedKeystore(X509Certificate2 Certificate, X509Certificate2Collection Intermediates);
