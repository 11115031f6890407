using System.Text;

namespace Fjord.Security.Authentication;

/// <summary>
/// OAUTHBEARER's client (RFC 7628, KIP-255): sends the token in the initial response. A server that rejects the
/// token answers with an error JSON; per RFC 7628 the client acknowledges it with a single 0x01 and the server
/// then fails the exchange. <see cref="ServerError"/> keeps the JSON.
/// </summary>
public sealed class OAuthBearerSaslClient : ISaslClient
{
    private const byte Separator = 0x01;

    private readonly string _token;
    private bool _sent;

    public OAuthBearerSaslClient(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        _token = token;
    }

    public string Mechanism => SaslMechanismNames.OAuthBearer;

    public bool IsComplete { get; private set; }

    /// <summary>The server's error JSON, when it rejected the token.</summary>
    public string? ServerError { get; private set; }

    public byte[] InitialResponse()
    {
        if (_sent)
            throw new InvalidOperationException("the initial response was already sent");
        _sent = true;
        return Encoding.UTF8.GetBytes($"n,,\u0001auth=Bearer {_token}\u0001\u0001");
    }

    public byte[]? EvaluateChallenge(ReadOnlySpan<byte> challenge)
    {
        if (!_sent || IsComplete || ServerError is not null)
            throw new SaslAuthenticationException("OAUTHBEARER: unexpected message from the server");
        if (!challenge.IsEmpty)
        {
            ServerError = Encoding.UTF8.GetString(challenge);
            return [Separator];
        }

        IsComplete = true;
        return null;
    }
}
