using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Fjord.Security.Credentials;

/// <summary>
/// The SASL names of the SCRAM mechanisms and the facts Kafka attaches to each: the hash, its size, and the
/// iteration bounds Kafka enforces (fewer than 4096 makes a stolen credential cheap to brute-force; more than
/// 16384 lets a client make the broker burn CPU).
/// </summary>
public static class ScramMechanisms
{
    public const string ScramSha256Name = "SCRAM-SHA-256";
    public const string ScramSha512Name = "SCRAM-SHA-512";

    public const int MinIterations = 4096;
    public const int MaxIterations = 16384;

    /// <summary>The mechanism as SASL names it; names are case-sensitive, as in Kafka.</summary>
    public static string MechanismName(this ScramMechanism mechanism) => mechanism switch
    {
        ScramMechanism.ScramSha256 => ScramSha256Name,
        ScramMechanism.ScramSha512 => ScramSha512Name,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism"),
    };

    public static bool TryParse([NotNullWhen(true)] string? name, out ScramMechanism mechanism)
    {
        mechanism = name switch
        {
            ScramSha256Name => ScramMechanism.ScramSha256,
            ScramSha512Name => ScramMechanism.ScramSha512,
            _ => ScramMechanism.Unknown,
        };
        return mechanism != ScramMechanism.Unknown;
    }

    public static HashAlgorithmName HashAlgorithm(this ScramMechanism mechanism) => mechanism switch
    {
        ScramMechanism.ScramSha256 => HashAlgorithmName.SHA256,
        ScramMechanism.ScramSha512 => HashAlgorithmName.SHA512,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism"),
    };

    /// <summary>Bytes of the hash, and so of every key, proof and signature of the mechanism.</summary>
    public static int HashSize(this ScramMechanism mechanism) => mechanism switch
    {
        ScramMechanism.ScramSha256 => SHA256.HashSizeInBytes,
        ScramMechanism.ScramSha512 => SHA512.HashSizeInBytes,
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism"),
    };

    public static bool IsDefined(ScramMechanism mechanism) => mechanism is ScramMechanism.ScramSha256 or ScramMechanism.ScramSha512;
}
