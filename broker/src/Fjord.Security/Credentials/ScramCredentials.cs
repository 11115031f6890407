using System.Security.Cryptography;

namespace Fjord.Security.Credentials;

/// <summary>Makes the stored form of a SCRAM password, as kafka-configs / AlterUserScramCredentials would.</summary>
public static class ScramCredentials
{
    public const int DefaultSaltSize = 32;

    public static ScramCredential Create(ScramMechanism mechanism, string password, int iterations, byte[]? salt = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (!ScramMechanisms.IsDefined(mechanism))
            throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism");
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, ScramMechanisms.MinIterations);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(iterations, ScramMechanisms.MaxIterations);
        if (salt is { Length: 0 })
            throw new ArgumentException("the salt must not be empty", nameof(salt));
        salt ??= RandomNumberGenerator.GetBytes(DefaultSaltSize);

        var salted = ScramFormatter.SaltedPassword(mechanism, password, salt, iterations);
        try
        {
            var clientKey = ScramFormatter.ClientKey(mechanism, salted);
            return new ScramCredential(
                (byte[])salt.Clone(),
                ScramFormatter.StoredKey(mechanism, clientKey),
                ScramFormatter.ServerKey(mechanism, salted),
                iterations);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(salted);
        }
    }
}
