using System.Text;

namespace Fjord.Security.Authentication;

/// <summary>SASL/PLAIN's client: one message, authzid empty (the broker then authorizes as the user).</summary>
public sealed class PlainSaslClient : ISaslClient
{
    private readonly string _user;
    private readonly string _password;
    private bool _sent;

    public PlainSaslClient(string user, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        _user = user;
        _password = password;
    }

    public string Mechanism => SaslMechanismNames.Plain;

    public bool IsComplete { get; private set; }

    public byte[] InitialResponse()
    {
        if (_sent)
            throw new InvalidOperationException("the initial response was already sent");
        _sent = true;
        return Encoding.UTF8.GetBytes($"\0{_user}\0{_password}");
    }

    public byte[]? EvaluateChallenge(ReadOnlySpan<byte> challenge)
    {
        if (!_sent || IsComplete || !challenge.IsEmpty)
            throw new SaslAuthenticationException("PLAIN: unexpected message from the server");
        IsComplete = true;
        return null;
    }
}
