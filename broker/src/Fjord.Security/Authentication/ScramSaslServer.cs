using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;

namespace Fjord.Security.Authentication;

/// <summary>
/// The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer runs it: client-first,
/// server-first (the client's nonce plus ours, the salt, the iterations), client-final with the proof checked
/// against the StoredKey, server-final with our signature. An unknown user goes through the same steps with
/// a fake credential and fails at the proof; every failure throws the same <see cref="SaslAuthenticationException"/>.
/// </summary>
public sealed class ScramSaslServer : ISaslServer
{
    private const int ServerNonceBytes = 24;

    private readonly ScramMechanism _mechanism;
    private readonly IScramCredentialLookup _credentials;
    private readonly Func<string> _serverNonce;
    private State _state = State.ReceiveClientFirst;
    private ScramClientFirstMessage? _clientFirst;
    private ScramCredential? _credential;
    private string? _serverFirst;
    private string? _combinedNonce;

    public ScramSaslServer(ScramMechanism mechanism, IScramCredentialLookup credentials)
        : this(mechanism, credentials, NewServerNonce)
    {
    }

    /// <summary>With a chosen server nonce, for RFC test vectors.</summary>
    internal ScramSaslServer(ScramMechanism mechanism, IScramCredentialLookup credentials, Func<string> serverNonce)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(serverNonce);
        Mechanism = mechanism.MechanismName();
        _mechanism = mechanism;
        _credentials = credentials;
        _serverNonce = serverNonce;
    }

    private enum State
    {
        ReceiveClientFirst,
        ReceiveClientFinal,
        Complete,
        Failed,
    }

    public string Mechanism { get; }

    public ValueTask<SaslStep> EvaluateAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken ct)
    {
        SaslStep? step;
        try
        {
            step = _state switch
            {
                State.ReceiveClientFirst => ReceiveClientFirst(clientMessage.Span),
                State.ReceiveClientFinal => ReceiveClientFinal(clientMessage.Span),
                // A message after completion is a replay or a confused client; either way the exchange is over.
                _ => null,
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A message nobody foresaw must fail like any other bad message, never surface as something else.
            step = null;
        }

        if (step is null)
        {
            _state = State.Failed;
            throw SaslFailure.Exception(Mechanism);
        }

        return ValueTask.FromResult(step);
    }

    private SaslStep? ReceiveClientFirst(ReadOnlySpan<byte> message)
    {
        if (!SaslText.TryDecode(message, out var text) || !ScramClientFirstMessage.TryParse(text, out var clientFirst))
            return null;
        if (!_credentials.TryGet(clientFirst.User, _mechanism, out var credential))
            credential = ScramFakeCredentials.For(clientFirst.User, _mechanism);

        _clientFirst = clientFirst;
        _credential = credential;
        _combinedNonce = clientFirst.Nonce + _serverNonce();
        _serverFirst = string.Create(CultureInfo.InvariantCulture, $"r={_combinedNonce},s={Convert.ToBase64String(credential.Salt)},i={credential.Iterations}");
        _state = State.ReceiveClientFinal;
        return SaslStep.Continue(Encoding.ASCII.GetBytes(_serverFirst));
    }

    private SaslStep? ReceiveClientFinal(ReadOnlySpan<byte> message)
    {
        if (!SaslText.TryDecode(message, out var text) || !ScramClientFinalMessage.TryParse(text, out var clientFinal))
            return null;
        var clientFirst = _clientFirst!;
        var credential = _credential!;
        // Kafka has no channel binding, so c= must carry back exactly the gs2 header the client sent ("biws" for "n,,").
        if (clientFinal.ChannelBinding != Convert.ToBase64String(Encoding.UTF8.GetBytes(clientFirst.Gs2Header)))
            return null;
        // librdkafka before 2.6.1 sends its client nonce again in front of the combined one; Kafka 3.8.1
        // accepts that (it checks endsWith), and so must Fjord, or every older librdkafka client fails SCRAM.
        if (clientFinal.Nonce != _combinedNonce && clientFinal.Nonce != clientFirst.Nonce + _combinedNonce)
            return null;

        var authMessage = Encoding.UTF8.GetBytes($"{clientFirst.Bare},{_serverFirst},{clientFinal.WithoutProof}");
        if (!ScramFormatter.VerifyClientProof(_mechanism, credential.StoredKey, authMessage, clientFinal.Proof))
            return null;

        var signature = ScramFormatter.ServerSignature(_mechanism, credential.ServerKey, authMessage);
        _state = State.Complete;
        return SaslStep.Complete(Encoding.ASCII.GetBytes("v=" + Convert.ToBase64String(signature)), KafkaPrincipal.User(clientFirst.User));
    }

    private static string NewServerNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(ServerNonceBytes));
}
