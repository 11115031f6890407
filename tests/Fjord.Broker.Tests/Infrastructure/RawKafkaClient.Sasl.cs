using Fjord.Protocol;
using Fjord.Security.Authentication;
using Fjord.Security.Credentials;

namespace Fjord.Broker.Tests.Infrastructure;

public sealed partial class RawKafkaClient
{
    /// <summary>Authenticates this connection with SCRAM (SaslHandshake v1, then SaslAuthenticate v2 until done); throws when refused.</summary>
    public async Task AuthenticateScramAsync(string user, string password, ScramMechanism mechanism = ScramMechanism.ScramSha512, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var sasl = new ScramSaslClient(mechanism, user, password);
        var handshake = await SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = sasl.Mechanism }, 1, limit);
        if (handshake.ErrorCode != 0) throw new InvalidOperationException($"SaslHandshake failed with error {handshake.ErrorCode}");
        byte[]? token = sasl.InitialResponse();
        while (token is not null)
        {
            var response = await SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = token }, 2, limit);
            if (response.ErrorCode != 0)
                throw new SaslAuthenticationException($"SaslAuthenticate failed with error {response.ErrorCode}: {response.ErrorMessage}");
            token = sasl.EvaluateChallenge(response.AuthBytes.Span);
            if (token is null && !sasl.IsComplete) throw new InvalidOperationException("The SCRAM exchange ended before the server proved itself");
        }
    }
}
