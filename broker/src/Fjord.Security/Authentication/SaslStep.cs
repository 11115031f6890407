using Fjord.Security.Principals;

namespace Fjord.Security.Authentication;

/// <summary>
/// What one SASL step answers: the bytes for the client, and once complete, who the client is and until
/// when the credential holds (an OAUTHBEARER token's expiry; null when it does not expire).
/// </summary>
public sealed record SaslStep(byte[] Challenge, bool IsComplete, KafkaPrincipal? Principal = null, DateTimeOffset? CredentialExpiresAt = null)
{
    public static SaslStep Continue(byte[] challenge) => new(challenge, false);

    public static SaslStep Complete(byte[] challenge, KafkaPrincipal principal, DateTimeOffset? expiresAt = null) =>
        new(challenge, true, principal, expiresAt);
}
