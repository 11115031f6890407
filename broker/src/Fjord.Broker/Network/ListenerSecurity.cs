using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Fjord.Broker.Configuration;
using Fjord.Security.Authentication;
using Fjord.Security.Principals;
using Fjord.Security.Tls;

namespace Fjord.Broker.Network;

/// <summary>
/// How one listener secures its connections, from its (listener.name.&lt;name&gt;.-prefixed) settings: TLS
/// options and how a client certificate becomes a principal, the SASL mechanisms it offers, and the limits
/// of its authentication phase.
/// </summary>
public sealed record ListenerSecurity
{
    public static readonly ListenerSecurity Plaintext = new() { Protocol = SecurityProtocol.Plaintext };

    public SecurityProtocol Protocol { get; init; }

    /// <summary>Server options for each new TLS connection (a rotated certificate shows up here); null without TLS.</summary>
    public Func<SslServerAuthenticationOptions>? TlsOptions { get; init; }

    /// <summary>ssl.principal.mapping.rules applied to a verified client certificate (null: none was sent).</summary>
    public Func<X509Certificate2?, KafkaPrincipal> PrincipalFromCertificate { get; init; } = _ => KafkaPrincipal.Anonymous;

    /// <summary>
    /// Whether a client certificate was revoked: asked again once a connection is registered, because a revocation
    /// announced during its handshake closed the sessions that existed then, not this one. Null: none is checked.
    /// </summary>
    public Func<CertificateIdentity, bool>? IsCertificateRevoked { get; init; }

    /// <summary>A TLS handshake that has not finished by then is cut: a stalled or garbage handshake costs a bounded time.</summary>
    public TimeSpan TlsHandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>sasl.enabled.mechanisms, in the order SaslHandshake lists them.</summary>
    public IReadOnlyList<string> SaslMechanisms { get; init; } = [];

    /// <summary>A SASL server for one exchange of an enabled mechanism; null for one that is not.</summary>
    public Func<string, ISaslServer?> CreateSaslServer { get; init; } = _ => null;

    /// <summary>connections.max.reauth.ms (KIP-368): 0 lets a session live as long as its credential.</summary>
    public long ConnectionsMaxReauthMs { get; init; }

    /// <summary>sasl.server.max.receive.size: the largest frame accepted before a connection has authenticated.</summary>
    public int SaslServerMaxReceiveSize { get; init; } = 524_288;

    /// <summary>connection.failed.authentication.delay.ms: how long a failed authentication waits before its answer and close.</summary>
    public TimeSpan FailedAuthenticationDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Where an authenticated principal finds its tenant (and a suspended tenant is turned away); null: no tenancy.</summary>
    public TenantGate? Tenants { get; init; }
}
