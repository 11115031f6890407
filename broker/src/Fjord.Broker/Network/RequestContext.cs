using Fjord.Protocol;

namespace Fjord.Broker.Network;

/// <summary>The header facts of one request, handed to its handler.</summary>
public sealed record RequestContext(ApiKey ApiKey, short ApiVersion, int CorrelationId, string? ClientId, ClientSession Session)
{
    /// <summary>Set by a handler that must drop the connection after this request (Kafka's way to signal an acks=0 failure).</summary>
    public bool CloseConnection { get; set; }

    /// <summary>Set by a handler whose response ends the connection: it is sent (after <see cref="ResponseDelay"/>), then the connection closes.</summary>
    public bool CloseAfterResponse { get; set; }

    /// <summary>How long to hold the response back (a failed authentication's delay, so guessing is slow).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>What a tenant rewrite keeps between a request and its response (the topic ids it hid, say).</summary>
    public object? TenantRewriteState { get; set; }
}
