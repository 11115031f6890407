using Fjord.Broker.Replication;
using Fjord.Protocol;
using Fjord.Security.Authentication;

namespace Fjord.Broker.Security;

/// <summary>
/// The broker's side of SASL as a client of another broker: SaslHandshake v1 then SaslAuthenticate until the
/// mechanism completes, with the broker's own credentials (sasl.mechanism.inter.broker.protocol and its
/// sasl.jaas.config). A refusal fails the connection attempt; the fetcher retries with backoff.
/// </summary>
public sealed class InterBrokerSaslAuthenticator(Func<ISaslClient> newClient)
{
    public async Task AuthenticateAsync(BrokerConnection connection, TimeSpan timeout, CancellationToken ct)
    {
        var client = newClient();
        using (var handshake = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = client.Mechanism }, 1, timeout, ct))
        {
            if (handshake.Body.ErrorCode != 0)
                throw new IOException($"the broker refused SASL mechanism {client.Mechanism} ({(ErrorCode)handshake.Body.ErrorCode}; it offers {string.Join(", ", handshake.Body.Mechanisms)})");
        }
        var token = client.InitialResponse();
        while (true)
        {
            using var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, 2, timeout, ct);
            if (response.Body.ErrorCode != 0)
                throw new IOException($"inter-broker SASL {client.Mechanism} authentication failed: {response.Body.ErrorMessage}");
            var next = client.EvaluateChallenge(response.Body.AuthBytes.Span);
            if (next is null) break;
            token = next;
        }
        if (!client.IsComplete) throw new IOException($"inter-broker SASL {client.Mechanism} authentication did not complete");
    }
}
