namespace Fjord.Security.Authentication;

/// <summary>
/// The client side of one SASL exchange: the broker's own inter-broker connections use it, and so do tests.
/// Send <see cref="InitialResponse"/>, then feed each server message to <see cref="EvaluateChallenge"/> and send
/// what it returns, until it returns null. A server that fails to prove itself throws
/// <see cref="SaslAuthenticationException"/>.
/// </summary>
public interface ISaslClient
{
    string Mechanism { get; }

    /// <summary>The first client message; once per exchange.</summary>
    byte[] InitialResponse();

    /// <summary>The answer to a server message, or null when the exchange needs nothing more from the client.</summary>
    byte[]? EvaluateChallenge(ReadOnlySpan<byte> challenge);

    /// <summary>True once the server's last message has been evaluated and accepted.</summary>
    bool IsComplete { get; }
}
