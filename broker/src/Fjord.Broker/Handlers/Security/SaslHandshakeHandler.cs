using Fjord.Broker.Configuration;
using Fjord.Broker.Network;
using Fjord.Protocol;

namespace Fjord.Broker.Handlers.Security;

/// <summary>
/// SaslHandshake 0–1: picks the mechanism of a SASL exchange. v1 has the tokens follow in SaslAuthenticate
/// requests; v0 has them follow as bare frames. On an authenticated connection it starts a KIP-368
/// re-authentication, which must use the same mechanism.
/// </summary>
public sealed class SaslHandshakeHandler : ApiHandler<SaslHandshakeRequest, SaslHandshakeResponse>
{
    public override ApiKey ApiKey => ApiKey.SaslHandshake;
    public override short MinVersion => 0;
    public override short MaxVersion => 1;

    protected override ValueTask<SaslHandshakeResponse?> HandleAsync(RequestContext request, SaslHandshakeRequest body, CancellationToken ct)
    {
        var session = request.Session;
        var security = session.Security;
        var sasl = session.Sasl;
        var response = new SaslHandshakeResponse();
        response.Mechanisms.AddRange(security.SaslMechanisms);
        if (!security.Protocol.UsesSasl() || sasl.Stage is not (SaslStage.Handshake or SaslStage.Complete))
            return Fail(request, response, ErrorCode.IllegalSaslState);
        // v0 tokens have no Kafka framing to re-authenticate with, so KIP-368 needs v1.
        if (sasl.Authenticated && (request.ApiVersion == 0 || body.Mechanism != sasl.Mechanism))
            return Fail(request, response, ErrorCode.IllegalSaslState);
        if (security.CreateSaslServer(body.Mechanism) is not { } server)
            return Fail(request, response, ErrorCode.UnsupportedSaslMechanism);
        sasl.Server = server;
        sasl.Stage = request.ApiVersion == 0 ? SaslStage.RawToken : SaslStage.Authenticate;
        return ValueTask.FromResult<SaslHandshakeResponse?>(response);
    }

    /// <summary>Kafka answers and then closes: a client that asked for the wrong thing cannot go on.</summary>
    private static ValueTask<SaslHandshakeResponse?> Fail(RequestContext request, SaslHandshakeResponse response, ErrorCode error)
    {
        response.ErrorCode = (short)error;
        request.CloseAfterResponse = true;
        return ValueTask.FromResult<SaslHandshakeResponse?>(response);
    }
}
