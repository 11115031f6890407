namespace Fjord.Broker.Network;

/// <summary>Where a connection is in Kafka's SASL exchange (SaslServerAuthenticator's states).</summary>
public enum SaslStage
{
    /// <summary>Expecting ApiVersions or SaslHandshake.</summary>
    Handshake,

    /// <summary>SaslHandshake v1 chose a mechanism: SaslAuthenticate requests carry the tokens.</summary>
    Authenticate,

    /// <summary>SaslHandshake v0 chose a mechanism: the next frames are bare SASL tokens without a Kafka header.</summary>
    RawToken,

    /// <summary>Authenticated; a new SaslHandshake starts a KIP-368 re-authentication.</summary>
    Complete,
}
