using System.Net.Security;
using System.Security.Authentication;

namespace Fjord.Security.Tls;

/// <summary>
/// One listener's (or the inter-broker client's) TLS configuration, read from Kafka's property names. Parsing
/// checks every value up front, so a broker with a bad setting fails at start with the setting's name instead
/// of failing its first handshake.
/// </summary>
public sealed record SslSettings
{
    public SslKeystoreSettings? Keystore { get; init; }
    public SslTruststoreSettings? Truststore { get; init; }
    public SslClientAuth ClientAuth { get; init; } = SslClientAuth.None;
    public SslProtocols EnabledProtocols { get; init; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>Empty: the platform's defaults (Kafka's behaviour when <c>ssl.cipher.suites</c> is unset).</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; init; } = [];

    /// <summary>Kafka's default is <c>https</c>: a client checks the server's name against its certificate.</summary>
    public bool EndpointIdentification { get; init; } = true;

    public SslPrincipalMapper PrincipalMapper { get; init; } = SslPrincipalMapper.Default;

    /// <summary>
    /// Reads the settings through <paramref name="lookup"/> (null or empty = unset, except
    /// <c>ssl.endpoint.identification.algorithm</c>, where empty means "no hostname check" as in Kafka).
    /// </summary>
    /// <exception cref="SslConfigException">A value is malformed or settings contradict each other.</exception>
    public static SslSettings Parse(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        string? Get(string name) => lookup(name) is { } v && v.Trim().Length > 0 ? v.Trim() : null;

        return new SslSettings
        {
            Keystore = ParseKeystore(Get),
            Truststore = ParseTruststore(Get),
            ClientAuth = ParseClientAuth(Get(SslConfigNames.ClientAuth)),
            EnabledProtocols = ParseProtocols(Get(SslConfigNames.EnabledProtocols)),
            CipherSuites = ParseCipherSuites(Get(SslConfigNames.CipherSuites)),
            EndpointIdentification = ParseEndpointIdentification(lookup(SslConfigNames.EndpointIdentificationAlgorithm)),
            PrincipalMapper = SslPrincipalMapper.Parse(Get(SslConfigNames.PrincipalMappingRules) ?? "DEFAULT"),
        };
    }

    private static SslKeystoreSettings? ParseKeystore(Func<string, string?> get)
    {
        var location = get(SslConfigNames.KeystoreLocation);
        var chain = get(SslConfigNames.KeystoreCertificateChain);
        var key = get(SslConfigNames.KeystoreKey);
        var type = ParseStoreType(SslConfigNames.KeystoreType, get(SslConfigNames.KeystoreType), location);

        if (location is not null && (chain is not null || key is not null))
            throw new SslConfigException(SslConfigNames.KeystoreLocation,
                $"set together with inline {SslConfigNames.KeystoreCertificateChain}/{SslConfigNames.KeystoreKey}; use one or the other");
        if ((chain is null) != (key is null))
            throw new SslConfigException(chain is null ? SslConfigNames.KeystoreCertificateChain : SslConfigNames.KeystoreKey,
                $"the inline PEM keystore needs both {SslConfigNames.KeystoreCertificateChain} and {SslConfigNames.KeystoreKey}");
        if (chain is not null && type != SslStoreType.Pem)
            throw new SslConfigException(SslConfigNames.KeystoreType, "an inline keystore (ssl.keystore.certificate.chain) must be of type PEM");
        if (location is null && chain is null)
        {
            if (get(SslConfigNames.KeystorePassword) is not null || get(SslConfigNames.KeyPassword) is not null)
                throw new SslConfigException(SslConfigNames.KeystorePassword, $"a password is set but no keystore is ({SslConfigNames.KeystoreLocation} or {SslConfigNames.KeystoreCertificateChain})");
            return null;
        }

        return new SslKeystoreSettings(type, location, get(SslConfigNames.KeystorePassword), get(SslConfigNames.KeyPassword), chain, key);
    }

    private static SslTruststoreSettings? ParseTruststore(Func<string, string?> get)
    {
        var location = get(SslConfigNames.TruststoreLocation);
        var certificates = get(SslConfigNames.TruststoreCertificates);
        var type = ParseStoreType(SslConfigNames.TruststoreType, get(SslConfigNames.TruststoreType), location);

        if (location is not null && certificates is not null)
            throw new SslConfigException(SslConfigNames.TruststoreLocation,
                $"set together with inline {SslConfigNames.TruststoreCertificates}; use one or the other");
        if (certificates is not null && type != SslStoreType.Pem)
            throw new SslConfigException(SslConfigNames.TruststoreType, "inline ssl.truststore.certificates must be of type PEM");
        if (location is null && certificates is null) return null;
        return new SslTruststoreSettings(type, location, get(SslConfigNames.TruststorePassword), certificates);
    }

    /// <summary>An explicit type wins; otherwise a .p12/.pfx file is PKCS12 and anything else PEM.</summary>
    private static SslStoreType ParseStoreType(string setting, string? value, string? location)
    {
        if (value is null)
        {
            var extension = location is null ? "" : Path.GetExtension(location);
            return extension.Equals(".p12", StringComparison.OrdinalIgnoreCase) || extension.Equals(".pfx", StringComparison.OrdinalIgnoreCase)
                ? SslStoreType.Pkcs12
                : SslStoreType.Pem;
        }
        return value.ToUpperInvariant() switch
        {
            "PEM" => SslStoreType.Pem,
            "PKCS12" => SslStoreType.Pkcs12,
            "JKS" => throw new SslConfigException(setting, "JKS is Java's own format and is not supported; convert it to PKCS12 (keytool -importkeystore -deststoretype PKCS12) or use PEM"),
            _ => throw new SslConfigException(setting, $"'{value}' is not a supported store type (PEM or PKCS12)"),
        };
    }

    private static SslClientAuth ParseClientAuth(string? value) => value?.ToUpperInvariant() switch
    {
        null or "NONE" => SslClientAuth.None,
        "REQUESTED" => SslClientAuth.Requested,
        "REQUIRED" => SslClientAuth.Required,
        _ => throw new SslConfigException(SslConfigNames.ClientAuth, $"'{value}' is not one of none, requested, required"),
    };

    private static SslProtocols ParseProtocols(string? value)
    {
        if (value is null) return SslProtocols.Tls12 | SslProtocols.Tls13;
        var protocols = SslProtocols.None;
        foreach (var name in SplitList(value))
        {
            protocols |= name switch
            {
                "TLSv1.2" => SslProtocols.Tls12,
                "TLSv1.3" => SslProtocols.Tls13,
                "TLSv1" or "TLSv1.1" or "SSLv3" => throw new SslConfigException(SslConfigNames.EnabledProtocols,
                    $"{name} is obsolete and not supported; use TLSv1.2 and/or TLSv1.3"),
                _ => throw new SslConfigException(SslConfigNames.EnabledProtocols, $"'{name}' is not a protocol (TLSv1.2, TLSv1.3)"),
            };
        }
        if (protocols == SslProtocols.None)
            throw new SslConfigException(SslConfigNames.EnabledProtocols, "no protocol listed");
        return protocols;
    }

    private static TlsCipherSuite[] ParseCipherSuites(string? value)
    {
        if (value is null) return [];
        var suites = new List<TlsCipherSuite>();
        foreach (var name in SplitList(value))
        {
            // TlsCipherSuite's member names are the IANA names Kafka (and Java) use; a number is not a name.
            if (char.IsAsciiDigit(name[0]) || !Enum.TryParse<TlsCipherSuite>(name, ignoreCase: false, out var suite))
                throw new SslConfigException(SslConfigNames.CipherSuites, $"'{name}' is not an IANA cipher suite name (e.g. TLS_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)");
            suites.Add(suite);
        }
        return [.. suites];
    }

    private static bool ParseEndpointIdentification(string? value)
    {
        if (value is null) return true;
        var trimmed = value.Trim();
        if (trimmed.Length == 0) return false;
        if (trimmed.Equals("https", StringComparison.OrdinalIgnoreCase)) return true;
        throw new SslConfigException(SslConfigNames.EndpointIdentificationAlgorithm, $"'{value}' is not supported (https, or empty for no hostname check)");
    }

    private static string[] SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
