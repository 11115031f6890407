using System.Security.Cryptography;
using Fjord.Security.Credentials;
using Fjord.Security.Principals;

namespace Fjord.Security.Authentication;

/// <summary>
/// SASL/PLAIN (RFC 4616) checked against the user's SCRAM credential: the password is salted and hashed with the
/// stored salt and iterations and the result compared to the StoredKey, so no plain-text password store exists.
/// SCRAM-SHA-512's credential is preferred, SCRAM-SHA-256's used otherwise. An unknown user costs the same
/// PBKDF2 work against a fake credential, so timing does not tell who exists.
/// </summary>
public sealed class PlainSaslServer : ISaslServer
{
    private readonly IScramCredentialLookup _credentials;
    private bool _done;

    public PlainSaslServer(IScramCredentialLookup credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
    }

    public string Mechanism => SaslMechanismNames.Plain;

    public ValueTask<SaslStep> EvaluateAsync(ReadOnlyMemory<byte> clientMessage, CancellationToken ct)
    {
        // PLAIN is one message; anything after it, good or bad, ends the exchange.
        if (_done)
            throw SaslFailure.Exception(Mechanism);
        _done = true;

        string? user;
        try
        {
            user = Authenticate(clientMessage.Span);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            user = null;
        }

        if (user is null)
            throw SaslFailure.Exception(Mechanism);
        return ValueTask.FromResult(SaslStep.Complete([], KafkaPrincipal.User(user)));
    }

    /// <summary>authzid NUL authcid NUL passwd; the user when the password is right, else null.</summary>
    private string? Authenticate(ReadOnlySpan<byte> message)
    {
        if (!SaslText.TryDecode(message, out var text))
            return null;
        var parts = text.Split('\0');
        if (parts.Length != 3)
            return null;
        var (authzid, user, password) = (parts[0], parts[1], parts[2]);
        if (user.Length == 0 || password.Length == 0 || (authzid.Length > 0 && authzid != user))
            return null;

        var mechanism = ScramMechanism.ScramSha512;
        if (!_credentials.TryGet(user, mechanism, out var credential))
        {
            mechanism = ScramMechanism.ScramSha256;
            if (!_credentials.TryGet(user, mechanism, out credential))
            {
                mechanism = ScramMechanism.ScramSha512;
                credential = ScramFakeCredentials.For(user, mechanism);
            }
        }

        var salted = ScramFormatter.SaltedPassword(mechanism, password, credential.Salt, credential.Iterations);
        try
        {
            var storedKey = ScramFormatter.StoredKey(mechanism, ScramFormatter.ClientKey(mechanism, salted));
            return CryptographicOperations.FixedTimeEquals(storedKey, credential.StoredKey) ? user : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }
}
