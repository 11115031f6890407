namespace Fjord.Security.Credentials;

/// <summary>The argument checks every credential store makes before writing.</summary>
internal static class ScramCredentialArguments
{
    public static void Validate(string user, ScramMechanism mechanism, ScramCredential credential)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(credential);
        if (!ScramMechanisms.IsDefined(mechanism))
            throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "not a SCRAM mechanism");
    }
}
