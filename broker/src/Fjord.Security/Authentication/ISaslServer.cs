namespace Fjord.Security.Authentication;

/// <summary>
/// The server side of one SASL exchange for one mechanism on one connection. The broker feeds it each
/// client message (SaslAuthenticate auth_bytes, or a raw token after SaslHandshake v0) and sends back what
/// it returns, until <see cref="SaslStep.IsComplete"/>. A failed exchange throws
/// <see cref="SaslAuthenticationException"/>, whose message is safe to send to the client.
/// </summary>
public interface ISaslServer
{
    /// <summary>PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 or OAUTHBEARER.</summary>
    string Mechanism { get; }

    ValueTask<SaslStep> EvaluateAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken ct);
}
