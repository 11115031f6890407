using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>
/// SCRAM's client (RFC 5802) without channel binding, as Kafka's clients run it. It refuses a server that asks
/// for fewer iterations than Kafka's minimum or whose nonce does not extend ours, and it checks the server's
/// signature: only a server holding the ServerKey can produce it.
/// </summary>
public sealed class ScramSaslClient : ISaslClient
{
    private const string Gs2Header = "n,,";
    private const int ClientNonceBytes = 24;

    private readonly ScramMechanism _mechanism;
    private readonly string _user;
    private readonly string _password;
    private readonly string _clientNonce;
    private Step _step = Step.Initial;
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;

    public ScramSaslClient(ScramMechanism mechanism, string user, string password)
        : this(mechanism, user, password, Convert.ToBase64String(RandomNumberGenerator.GetBytes(ClientNonceBytes)))
    {
    }

    /// <summary>With a chosen client nonce, for RFC test vectors.</summary>
    internal ScramSaslClient(ScramMechanism mechanism, string user, string password, string clientNonce)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        if (!SaslText.IsPrintableNonce(clientNonce))
            throw new ArgumentException("a nonce is printable ASCII without ','", nameof(clientNonce));
        Mechanism = mechanism.MechanismName();
        _mechanism = mechanism;
        _user = user;
        _password = password;
        _clientNonce = clientNonce;
    }

    private enum Step
    {
        Initial,
        AwaitServerFirst,
        AwaitServerFinal,
        Complete,
    }

    public string Mechanism { get; }

    public bool IsComplete => _step == Step.Complete;

    public byte[] InitialResponse()
    {
        if (_step != Step.Initial)
            throw new InvalidOperationException("the initial response was already sent");
        _clientFirstBare = $"n={ScramSaslName.Encode(_user)},r={_clientNonce}";
        _step = Step.AwaitServerFirst;
        return Encoding.UTF8.GetBytes(Gs2Header + _clientFirstBare);
    }

    public byte[]? EvaluateChallenge(ReadOnlySpan<byte> challenge) => _step switch
    {
        Step.AwaitServerFirst => ReceiveServerFirst(challenge),
        Step.AwaitServerFinal => ReceiveServerFinal(challenge),
        _ => throw Fail("unexpected message from the server"),
    };

    private byte[] ReceiveServerFirst(ReadOnlySpan<byte> challenge)
    {
        if (!SaslText.TryDecode(challenge, out var serverFirst))
            throw Fail("server-first-message is not UTF-8");
        var attributes = serverFirst.Split(',');
        if (attributes.Length < 3 || !attributes[0].StartsWith("r=", StringComparison.Ordinal)
            || !attributes[1].StartsWith("s=", StringComparison.Ordinal) || !attributes[2].StartsWith("i=", StringComparison.Ordinal))
            throw Fail("malformed server-first-message");
        var nonce = attributes[0][2..];
        if (nonce.Length <= _clientNonce.Length || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || !SaslText.IsPrintableNonce(nonce))
            throw Fail("the server's nonce does not extend the client's");
        byte[] salt;
        try
        {
            salt = Convert.FromBase64String(attributes[1][2..]);
        }
        catch (FormatException)
        {
            throw Fail("the salt is not base64");
        }

        if (salt.Length == 0
            || !int.TryParse(attributes[2][2..], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations)
            || iterations < ScramMechanisms.MinIterations)
            throw Fail($"the server asks for an empty salt or fewer than {ScramMechanisms.MinIterations} iterations");

        var salted = ScramFormatter.SaltedPassword(_mechanism, _password, salt, iterations);
        try
        {
            var withoutProof = $"c={Convert.ToBase64String(Encoding.ASCII.GetBytes(Gs2Header))},r={nonce}";
            var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
            var proof = ScramFormatter.ClientProof(_mechanism, salted, authMessage);
            _expectedServerSignature = ScramFormatter.ServerSignature(_mechanism, ScramFormatter.ServerKey(_mechanism, salted), authMessage);
            _step = Step.AwaitServerFinal;
            return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }

    private byte[]? ReceiveServerFinal(ReadOnlySpan<byte> challenge)
    {
        if (!SaslText.TryDecode(challenge, out var serverFinal))
            throw Fail("server-final-message is not UTF-8");
        if (serverFinal.StartsWith("e=", StringComparison.Ordinal))
            throw Fail($"the server refused: {serverFinal[2..]}");
        var signature = new byte[_expectedServerSignature!.Length];
        var signatureText = serverFinal.StartsWith("v=", StringComparison.Ordinal) ? serverFinal[2..].Split(',')[0] : "";
        if (!Convert.TryFromBase64String(signatureText, signature, out var written) || written != signature.Length
            || !CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
            throw Fail("the server's signature is wrong: it does not hold this user's credential");
        _step = Step.Complete;
        return null;
    }

    private SaslAuthenticationException Fail(string what) => new($"{Mechanism}: {what}");
}
