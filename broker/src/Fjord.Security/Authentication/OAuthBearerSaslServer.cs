using System.Diagnostics.CodeAnalysis;
using Fjord.Security.Principals;

namespace Fjord.Security.Authentication;

/// <summary>
/// OAUTHBEARER's server side (RFC 7628, KIP-255). A valid token completes the exchange with an empty challenge,
/// principal User:&lt;subject&gt; and the token's expiry (KIP-368 re-authentication ends the session then). An invalid
/// token is answered, as RFC 7628 §3.2.2 requires, with the error JSON; the client acknowledges with 0x01 and the
/// exchange then fails with the same generic error as any other failure.
/// </summary>
public sealed class OAuthBearerSaslServer : ISaslServer
{
    private static readonly byte[] InvalidTokenChallenge = """{"status":"invalid_token"}"""u8.ToArray();

    private readonly OAuthBearerValidator _validator;
    private State _state = State.ReceiveInitialResponse;

    public OAuthBearerSaslServer(OAuthBearerValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _validator = validator;
    }

    private enum State
    {
        ReceiveInitialResponse,
        ReceiveErrorAcknowledgement,
        Done,
    }

    public string Mechanism => SaslMechanismNames.OAuthBearer;

    public async ValueTask<SaslStep> EvaluateAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken ct)
    {
        if (_state != State.ReceiveInitialResponse)
        {
            // Whether the client acknowledged the error or sent anything else, the exchange is over.
            _state = State.Done;
            throw SaslFailure.Exception(Mechanism);
        }

        if (!TryParse(clientMessage.Span, out var response))
        {
            _state = State.Done;
            throw SaslFailure.Exception(Mechanism);
        }

        var result = await _validator.ValidateAsync(response.Token, ct).ConfigureAwait(false);
        if (!result.IsValid)
        {
            _state = State.ReceiveErrorAcknowledgement;
            return SaslStep.Continue(InvalidTokenChallenge);
        }

        _state = State.Done;
        if (response.AuthorizationId is not null && response.AuthorizationId != result.PrincipalName)
            throw SaslFailure.Exception(Mechanism);
        return SaslStep.Complete([], KafkaPrincipal.User(result.PrincipalName!), result.ExpiresAt);
    }

    private static bool TryParse(ReadOnlySpan<byte> message, [NotNullWhen(true)] out OAuthBearerClientInitialResponse? response)
    {
        response = null;
        try
        {
            return SaslText.TryDecode(message, out var text) && OAuthBearerClientInitialResponse.TryParse(text, out response);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
        {
            // A message nobody foresaw must fail like any other bad message, never surface as something else.
            return false;
        }
    }
}
