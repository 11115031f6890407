namespace Fjord.Security.Authentication;

/// <summary>
/// The one failure text per mechanism, Kafka's SaslServerAuthenticator wording. Every failure of an exchange
/// (unknown user, wrong password, bad nonce, malformed message) gets the same text, so a client probing the
/// broker learns only that authentication failed.
/// </summary>
internal static class SaslFailure
{
    public static string Message(string mechanism) =>
        $"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}";

    public static SaslAuthenticationException Exception(string mechanism) => new(Message(mechanism));
}
