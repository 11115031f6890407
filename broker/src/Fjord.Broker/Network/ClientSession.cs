using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Fjord.Security.Tls;

namespace Fjord.Broker.Network;

/// <summary>What the broker knows about the peer of one connection.</summary>
public sealed class ClientSession(long connectionId, ListenerEndpoint listener, IPAddress remoteAddress, ListenerSecurity? security = null)
{
    public long ConnectionId { get; } = connectionId;
    public ListenerEndpoint Listener { get; } = listener;
    public IPAddress RemoteAddress { get; } = remoteAddress;

    /// <summary>The listener's security: what this connection must do before it is served.</summary>
    public ListenerSecurity Security { get; } = security ?? ListenerSecurity.Plaintext;

    public SaslSessionState Sasl { get; } = new();

    /// <summary>False on a SASL listener until an exchange completes: only ApiVersions and the SASL requests are answered then.</summary>
    public bool IsAuthenticated => !Security.Protocol.UsesSasl() || Sasl.Authenticated;

    /// <summary>How the principal was established, so revocation closes only the sessions a removed credential opened.</summary>
    public string? AuthenticatedMechanism => Sasl.Authenticated ? Sasl.Mechanism : null;
    /// <summary>
    /// Who the connection acts as: ANONYMOUS on PLAINTEXT, the mapped certificate subject under mutual TLS,
    /// the authenticated user once SASL completes. Authorization asks about this principal.
    /// </summary>
    public KafkaPrincipal Principal { get; set; } = KafkaPrincipal.Anonymous;

    /// <summary>
    /// The tenant the principal belongs to, set at authentication; null for the operator's principals. Every name
    /// this connection sends or receives is translated through it (see Tenancy/TenantRewrite).
    /// </summary>
    public TenantScope? Tenant { get; set; }

    /// <summary>The client certificate the TLS handshake verified (issuer and serial), so revoking it closes this connection; null without one.</summary>
    public CertificateIdentity? ClientCertificate { get; set; }

    /// <summary>
    /// A <see cref="TimeProvider"/> timestamp before which the connection reads no further request: a client over its
    /// quota is answered at once and then muted for its throttle time (KIP-219). Zero when not muted.
    /// </summary>
    internal long MutedUntil { get; set; }

    public string? ClientSoftwareName { get; set; }
    public string? ClientSoftwareVersion { get; set; }
}
