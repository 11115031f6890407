using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Security;

/// <summary>
/// SaslAuthenticate 0–2: carries one token of the exchange SaslHandshake v1 started. A failure answers
/// SASL_AUTHENTICATION_FAILED after connection.failed.authentication.delay.ms and closes the connection;
/// v1+ tells the client how long its session lives (KIP-368).
/// </summary>
public sealed class SaslAuthenticateHandler(TimeProvider time) : ApiHandler<SaslAuthenticateRequest, SaslAuthenticateResponse>
{
    public override ApiKey ApiKey => ApiKey.SaslAuthenticate;
    public override short MinVersion => 0;
    public override short MaxVersion => 2;

    protected override async ValueTask<SaslAuthenticateResponse?> HandleAsync(RequestContext request, SaslAuthenticateRequest body, CancellationToken ct)
    {
        var session = request.Session;
        if (session.Sasl.Stage != SaslStage.Authenticate)
        {
            request.CloseAfterResponse = true;
            return new SaslAuthenticateResponse
            {
                ErrorCode = (short)ErrorCode.IllegalSaslState,
                ErrorMessage = "SaslAuthenticate request received without a SaslHandshake v1 choosing a mechanism",
            };
        }
        var outcome = await SaslExchange.StepAsync(session, body.AuthBytes, time, ct);
        if (outcome.Error is not null)
        {
            request.CloseAfterResponse = true;
            request.ResponseDelay = session.Security.FailedAuthenticationDelay;
            return new SaslAuthenticateResponse { ErrorCode = (short)ErrorCode.SaslAuthenticationFailed, ErrorMessage = outcome.Error };
        }
        return new SaslAuthenticateResponse { ErrorMessage = null, AuthBytes = outcome.Challenge, SessionLifetimeMs = outcome.SessionLifetimeMs };
    }
}
