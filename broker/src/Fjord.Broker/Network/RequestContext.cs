using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>The header facts of one request, handed to its handler.</summary>
public sealed record RequestContext(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId, ClientSession Session)
{
    /// <summary>Set by a handler that must drop the connection after this request (Kafka's way to signal an acks=0 failure).</summary>
    public bool CloseConnection { get; set; }
}
