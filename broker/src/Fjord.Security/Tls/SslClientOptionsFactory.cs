using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tls;

/// <summary>
/// TLS options for the broker's own outgoing connections (inter-broker): the peer must chain to the truststore
/// and, with <c>ssl.endpoint.identification.algorithm=https</c> (Kafka's default), carry the host name that was
/// dialled in its subject alternative names. A keystore, when configured, is presented for mutual TLS and is
/// re-read when rotated on disk, as on the server side.
/// </summary>
public sealed class SslClientOptionsFactory
{
    private readonly SslSettings _settings;
    private readonly ServerCertificateSource? _clientCertificate;
    private readonly PeerCertificateValidator _serverValidator;
    private readonly CipherSuitesPolicy? _cipherSuites;

    /// <exception cref="SslConfigException">The keystore or truststore cannot be loaded.</exception>
    public SslClientOptionsFactory(SslSettings settings, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _clientCertificate = settings.Keystore is null ? null : new ServerCertificateSource(settings.Keystore, time, logger);
        var trusted = settings.Truststore is null ? null : TruststoreLoader.Load(settings.Truststore);
        _serverValidator = PeerCertificateValidator.ForServers(trusted, logger);
        _cipherSuites = CipherSuitesPolicyFactory.Create(settings.CipherSuites);
    }

    /// <summary>Options for one connection to <paramref name="targetHost"/> (the name or address dialled; also sent as SNI).</summary>
    public SslClientAuthenticationOptions Create(string targetHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetHost);
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            EnabledSslProtocols = _settings.EnabledProtocols,
            CipherSuitesPolicy = _cipherSuites,
            ClientCertificateContext = _clientCertificate?.Current,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => Validate(targetHost, certificate, chain),
        };
    }

    private bool Validate(string targetHost, X509Certificate? certificate, X509Chain? chain)
    {
        if (certificate is null) return false;
        if (!_serverValidator.IsTrusted(certificate, chain, out _)) return false;
        if (!_settings.EndpointIdentification) return true;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        // RFC 6125 matching against the SANs (DNS and IP), as Java's "HTTPS" identification does.
        return leaf.MatchesHostname(targetHost, allowWildcards: true, allowCommonName: false);
    }
}
