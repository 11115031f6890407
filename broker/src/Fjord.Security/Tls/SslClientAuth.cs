namespace Fjord.Security.Tls;

/// <summary>Kafka's <c>ssl.client.auth</c>: whether a listener asks clients for a certificate.</summary>
public enum SslClientAuth
{
    /// <summary>No certificate is asked for; every client is <c>User:ANONYMOUS</c> unless SASL names it.</summary>
    None,

    /// <summary>
    /// A certificate is asked for; a client without one still connects (as ANONYMOUS). Kafka discourages it:
    /// a misconfigured client connects silently. A certificate that is sent must still be valid.
    /// </summary>
    Requested,

    /// <summary>A client without a valid certificate fails the handshake.</summary>
    Required,
}
