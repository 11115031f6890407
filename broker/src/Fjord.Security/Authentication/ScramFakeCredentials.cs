using System.Security.Cryptography;
using System.Text;
using Fjord.Security.Credentials;

namespace Fjord.Security.Authentication;

/// <summary>
/// What an unknown user's exchange runs against. The salt is derived from a per-process secret and the name,
/// so asking twice for the same unknown user gets the same salt, as a real user would: a probe cannot tell
/// "no such user" from "wrong password". The keys match no password.
/// </summary>
internal static class ScramFakeCredentials
{
    /// <summary>Kafka's default iteration count, which most real credentials carry.</summary>
    public const int Iterations = ScramMechanisms.MinIterations;

    private static readonly byte[] Secret = RandomNumberGenerator.GetBytes(32);

    public static ScramCredential For(string user, ScramMechanism mechanism)
    {
        var size = mechanism.HashSize();
        return new ScramCredential(
            Derive("salt", user, mechanism, ScramCredentials.DefaultSaltSize),
            Derive("stored", user, mechanism, size),
            Derive("server", user, mechanism, size),
            Iterations);
    }

    private static byte[] Derive(string label, string user, ScramMechanism mechanism, int size)
    {
        var input = Encoding.UTF8.GetBytes($"{label}\0{mechanism.MechanismName()}\0{user}");
        return HMACSHA512.HashData(Secret, input)[..size];
    }
}
