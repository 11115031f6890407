using System.Net;
using Fjord.Broker.Configuration;
using Fjord.Security.Principals;

namespace Fjord.Broker.Network;

/// <summary>What the broker knows about the peer of one connection.</summary>
public sealed class ClientSession(long connectionId, ListenerEndpoint listener, IPAddress remoteAddress)
{
    public long ConnectionId { get; } = connectionId;
    public ListenerEndpoint Listener { get; } = listener;
    public IPAddress RemoteAddress { get; } = remoteAddress;
    /// <summary>
    /// Who the connection acts as: ANONYMOUS on PLAINTEXT, the mapped certificate subject under mutual TLS,
    /// the authenticated user once SASL completes. Authorization asks about this principal.
    /// </summary>
    public KafkaPrincipal Principal { get; set; } = KafkaPrincipal.Anonymous;

    public string? ClientSoftwareName { get; set; }
    public string? ClientSoftwareVersion { get; set; }
}
