using System.Security.Cryptography;
using System.Text;

namespace Fjord.Security.Credentials;

/// <summary>
/// The functions of RFC 5802 §3 for one hash. Passwords are taken as UTF-8 without SASLprep, as Kafka's
/// clients and broker do, so credentials made here authenticate Kafka and librdkafka clients alike.
/// </summary>
public static class ScramFormatter
{
    private static readonly byte[] ClientKeyLabel = "Client Key"u8.ToArray();
    private static readonly byte[] ServerKeyLabel = "Server Key"u8.ToArray();

    /// <summary>Hi(password, salt, i) of RFC 5802: PBKDF2 with the mechanism's HMAC.</summary>
    public static byte[] SaltedPassword(ScramMechanism mechanism, string password, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        return Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, mechanism.HashAlgorithm(), mechanism.HashSize());
    }

    public static byte[] Hmac(ScramMechanism mechanism, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => mechanism switch
    {
        ScramMechanism.ScramSha256 => HMACSHA256.HashData(key, data),
        ScramMechanism.ScramSha512 => HMACSHA512.HashData(key, data),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism"),
    };

    public static byte[] Hash(ScramMechanism mechanism, ReadOnlySpan<byte> data) => mechanism switch
    {
        ScramMechanism.ScramSha256 => SHA256.HashData(data),
        ScramMechanism.ScramSha512 => SHA512.HashData(data),
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism"),
    };

    public static byte[] ClientKey(ScramMechanism mechanism, ReadOnlySpan<byte> saltedPassword) => Hmac(mechanism, saltedPassword, ClientKeyLabel);

    public static byte[] StoredKey(ScramMechanism mechanism, ReadOnlySpan<byte> clientKey) => Hash(mechanism, clientKey);

    public static byte[] ServerKey(ScramMechanism mechanism, ReadOnlySpan<byte> saltedPassword) => Hmac(mechanism, saltedPassword, ServerKeyLabel);

    public static byte[] ClientSignature(ScramMechanism mechanism, ReadOnlySpan<byte> storedKey, ReadOnlySpan<byte> authMessage) =>
        Hmac(mechanism, storedKey, authMessage);

    public static byte[] ServerSignature(ScramMechanism mechanism, ReadOnlySpan<byte> serverKey, ReadOnlySpan<byte> authMessage) =>
        Hmac(mechanism, serverKey, authMessage);

    /// <summary>ClientProof = ClientKey XOR ClientSignature.</summary>
    public static byte[] ClientProof(ScramMechanism mechanism, ReadOnlySpan<byte> saltedPassword, ReadOnlySpan<byte> authMessage)
    {
        var clientKey = ClientKey(mechanism, saltedPassword);
        var signature = ClientSignature(mechanism, StoredKey(mechanism, clientKey), authMessage);
        return Xor(clientKey, signature);
    }

    /// <summary>
    /// Recovers ClientKey from the proof and checks that its hash is the StoredKey, in constant time: how far
    /// two keys agree must not leak through timing. A proof of the wrong length fails without revealing more.
    /// </summary>
    public static bool VerifyClientProof(ScramMechanism mechanism, ReadOnlySpan<byte> storedKey, ReadOnlySpan<byte> authMessage, ReadOnlySpan<byte> clientProof)
    {
        var signature = ClientSignature(mechanism, storedKey, authMessage);
        if (clientProof.Length != signature.Length)
            return false;
        var clientKey = Xor(clientProof, signature);
        return CryptographicOperations.FixedTimeEquals(StoredKey(mechanism, clientKey), storedKey);
    }

    public static byte[] Xor(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.Length != right.Length)
            throw new ArgumentException("operands differ in length", nameof(right));
        var result = new byte[left.Length];
        for (var i = 0; i < result.Length; i++)
            result[i] = (byte)(left[i] ^ right[i]);
        return result;
    }
}
