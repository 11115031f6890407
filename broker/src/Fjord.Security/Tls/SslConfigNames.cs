namespace Fjord.Security.Tls;

/// <summary>Kafka's SSL property names, as an operator writes them in server.properties.</summary>
public static class SslConfigNames
{
    public const string KeystoreType = "ssl.keystore.type";
    public const string KeystoreLocation = "ssl.keystore.location";
    public const string KeystorePassword = "ssl.keystore.password";
    public const string KeyPassword = "ssl.key.password";
    public const string KeystoreCertificateChain = "ssl.keystore.certificate.chain";
    public const string KeystoreKey = "ssl.keystore.key";
    public const string TruststoreType = "ssl.truststore.type";
    public const string TruststoreLocation = "ssl.truststore.location";
    public const string TruststorePassword = "ssl.truststore.password";
    public const string TruststoreCertificates = "ssl.truststore.certificates";
    public const string ClientAuth = "ssl.client.auth";
    public const string EnabledProtocols = "ssl.enabled.protocols";
    public const string CipherSuites = "ssl.cipher.suites";
    public const string EndpointIdentificationAlgorithm = "ssl.endpoint.identification.algorithm";
    public const string PrincipalMappingRules = "ssl.principal.mapping.rules";
}
