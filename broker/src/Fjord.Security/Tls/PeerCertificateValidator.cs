using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Security.Tls;

/// <summary>
/// Decides whether a peer's certificate is trusted: it must chain to one of the truststore's CAs (only those,
/// not the machine's store, as a Java truststore replaces the JVM's) and carry the extended key usage of its
/// role. Without a truststore the platform's roots are used, as Java falls back to its default cacerts.
/// Revocation is not checked, as in Kafka's default engine.
/// </summary>
public sealed class PeerCertificateValidator
{
    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private readonly X509Certificate2Collection? _trustedRoots;
    private readonly Oid _requiredUsage;
    private readonly ILogger _logger;

    private PeerCertificateValidator(X509Certificate2Collection? trustedRoots, Oid requiredUsage, ILogger? logger)
    {
        _trustedRoots = trustedRoots;
        _requiredUsage = requiredUsage;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Validates clients' certificates (clientAuth usage) on a listener.</summary>
    public static PeerCertificateValidator ForClients(X509Certificate2Collection? trustedRoots, ILogger? logger = null) =>
        new(trustedRoots, ClientAuth, logger);

    /// <summary>Validates a server's certificate (serverAuth usage) when this broker connects out.</summary>
    public static PeerCertificateValidator ForServers(X509Certificate2Collection? trustedRoots, ILogger? logger = null) =>
        new(trustedRoots, ServerAuth, logger);

    /// <summary>
    /// True when <paramref name="certificate"/> chains to a trusted root. <paramref name="presentedChain"/> is
    /// what the TLS stack built from the peer's handshake; its non-root elements are the intermediates the peer
    /// sent and are used only as candidates, never as trust anchors.
    /// </summary>
    public bool IsTrusted(X509Certificate certificate, X509Chain? presentedChain, out string reason)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.ApplicationPolicy.Add(_requiredUsage);
        if (_trustedRoots is not null)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_trustedRoots);
        }
        if (presentedChain is not null)
        {
            foreach (var element in presentedChain.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
                    policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(leaf))
        {
            reason = "";
            return true;
        }
        reason = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        if (reason.Length == 0) reason = "the certificate does not chain to a trusted CA";
        TlsLog.PeerCertificateRefused(_logger, leaf.Subject, reason);
        return false;
    }
}
