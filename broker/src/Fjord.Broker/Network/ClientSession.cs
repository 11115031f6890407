using System.Net;
using Fjord.Broker.Configuration;

namespace Fjord.Broker.Network;

/// <summary>What the broker knows about the peer of one connection.</summary>
public sealed class ClientSession(long connectionId, ListenerEndpoint listener, IPAddress remoteAddress)
{
    public long ConnectionId { get; } = connectionId;
    public ListenerEndpoint Listener { get; } = listener;
    public IPAddress RemoteAddress { get; } = remoteAddress;
    public string? ClientSoftwareName { get; set; }
    public string? ClientSoftwareVersion { get; set; }
}
