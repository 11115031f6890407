using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Fjord.Security.Principals;
using Microsoft.Extensions.Logging;

namespace Fjord.Security.Tls;

/// <summary>
/// Builds the TLS options of one listener for each new connection, so a certificate rotated on disk is used by
/// the next handshake. Owns the listener's client-auth rule: with <c>requested</c> a client may send no
/// certificate, with <c>required</c> it must; a certificate that is sent must chain to the truststore either way, and
/// must not be revoked (when the broker was given a revocation check).
/// </summary>
public sealed class SslServerOptionsFactory
{
    private readonly ServerCertificateSource _certificates;
    private readonly SslSettings _settings;
    private readonly PeerCertificateValidator _clientValidator;
    private readonly CipherSuitesPolicy? _cipherSuites;
    private readonly Func<CertificateIdentity, bool>? _isRevoked;
    private readonly ILogger _logger;

    /// <param name="isRevoked">Whether a trusted client certificate has been revoked since; null checks nothing.</param>
    /// <exception cref="SslConfigException">The settings have no keystore, or a truststore that cannot be read.</exception>
    public SslServerOptionsFactory(SslSettings settings, ServerCertificateSource certificates, ILogger? logger = null, Func<CertificateIdentity, bool>? isRevoked = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(certificates);
        _settings = settings;
        _certificates = certificates;
        var trusted = settings.Truststore is null ? null : TruststoreLoader.Load(settings.Truststore);
        _clientValidator = PeerCertificateValidator.ForClients(trusted, logger);
        _cipherSuites = CipherSuitesPolicyFactory.Create(settings.CipherSuites);
        _isRevoked = isRevoked;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Loads the keystore named by <paramref name="settings"/> and builds the factory over it.</summary>
    /// <exception cref="SslConfigException">No keystore is configured, or it or the truststore cannot be loaded.</exception>
    public static SslServerOptionsFactory FromSettings(SslSettings settings, TimeProvider? time = null, ILogger? logger = null,
        Func<CertificateIdentity, bool>? isRevoked = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Keystore is null)
            throw new SslConfigException(SslConfigNames.KeystoreLocation, "an SSL listener needs a keystore (ssl.keystore.location, or ssl.keystore.certificate.chain + ssl.keystore.key)");
        return new SslServerOptionsFactory(settings, new ServerCertificateSource(settings.Keystore, time, logger), logger, isRevoked);
    }

    public SslClientAuth ClientAuth => _settings.ClientAuth;

    public ServerCertificateSource Certificates => _certificates;

    /// <summary>How a validated client certificate becomes the connection's principal.</summary>
    public SslPrincipalMapper PrincipalMapper => _settings.PrincipalMapper;

    /// <summary>Options for one new connection's handshake.</summary>
    public SslServerAuthenticationOptions Create() => new()
    {
        ServerCertificateContext = _certificates.Current,
        EnabledSslProtocols = _settings.EnabledProtocols,
        CipherSuitesPolicy = _cipherSuites,
        ClientCertificateRequired = _settings.ClientAuth != SslClientAuth.None,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        // Renegotiation is a TLS 1.2 feature with a history of attacks; Kafka clients never ask for it.
        AllowRenegotiation = false,
        RemoteCertificateValidationCallback = ValidateClientCertificate,
    };

    /// <summary>The principal of a connection whose handshake has completed with <paramref name="clientCertificate"/>.</summary>
    public KafkaPrincipal PrincipalFor(X509Certificate2? clientCertificate) => _settings.PrincipalMapper.PrincipalFor(clientCertificate);

    private bool ValidateClientCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return _settings.ClientAuth != SslClientAuth.Required;
        // With client auth "none" no certificate is asked for; one sent anyway is ignored by Kafka too.
        if (_settings.ClientAuth == SslClientAuth.None) return true;
        if (!_clientValidator.IsTrusted(certificate, chain, out _)) return false;
        if (_isRevoked is null) return true;
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var identity = CertificateIdentity.From(leaf);
        if (!_isRevoked(identity)) return true;
        TlsLog.PeerCertificateRefused(_logger, leaf.Subject, $"serial {identity.SerialNumber} of {identity.Issuer} is revoked");
        return false;
    }

    /// <summary>Whether a client certificate that passed its handshake has been revoked since (false without a revocation check).</summary>
    public bool IsRevoked(CertificateIdentity certificate) => _isRevoked?.Invoke(certificate) ?? false;
}
