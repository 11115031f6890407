namespace Fjord.Security.Authentication;

/// <summary>
/// A SASL exchange failed. The message goes to the client as SASL_AUTHENTICATION_FAILED's error message,
/// so it never says which part was wrong (user, password, nonce): only that authentication failed.
/// </summary>
public sealed class SaslAuthenticationException : Exception
{
    public SaslAuthenticationException() : this("Authentication failed: invalid credentials") { }

    public SaslAuthenticationException(string message) : base(message) { }

    public SaslAuthenticationException(string message, Exception inner) : base(message, inner) { }
}
