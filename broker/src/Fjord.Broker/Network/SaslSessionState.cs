using Fjord.Security.Authentication;

namespace Fjord.Broker.Network;

/// <summary>One connection's SASL state: the exchange in progress, whether it ever completed, and until when the session holds.</summary>
public sealed class SaslSessionState
{
    public SaslStage Stage { get; set; } = SaslStage.Handshake;

    /// <summary>The server side of the exchange in progress; dropped once it completes.</summary>
    public ISaslServer? Server { get; set; }

    /// <summary>The mechanism the connection authenticated with; a re-authentication must use the same one.</summary>
    public string? Mechanism { get; set; }

    /// <summary>True once an exchange has completed; stays true through a re-authentication.</summary>
    public bool Authenticated { get; set; }

    /// <summary>When the session ends unless it re-authenticates (KIP-368); null when it does not expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
}
