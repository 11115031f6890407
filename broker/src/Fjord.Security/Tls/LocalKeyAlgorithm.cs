namespace Fjord.Security.Tls;

/// <summary>The key type of certificates a <see cref="LocalCertificateAuthority"/> makes.</summary>
public enum LocalKeyAlgorithm
{
    /// <summary>ECDSA on P-256: small and fast; every current Kafka client accepts it.</summary>
    EcdsaP256,

    /// <summary>RSA 2048, for clients or tools that still expect RSA.</summary>
    Rsa2048,
}
