namespace Fjord.Security.Tls;

/// <summary>Kafka's <c>ssl.keystore.type</c> / <c>ssl.truststore.type</c>, the two that .NET reads (JKS is Java's own).</summary>
public enum SslStoreType
{
    Pem,
    Pkcs12,
}
