namespace Fjord.Security.Authentication;

/// <summary>What validating a token found: who it names and until when, or why it was refused (for logs only).</summary>
public sealed record OAuthBearerValidationResult(
    bool IsValid,
    string? PrincipalName,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Scopes,
    string? FailureReason)
{
    /// <summary>True when the token was well signed but past its exp: callers may say so, since nothing is leaked.</summary>
    public bool IsExpired { get; private init; }

    public static OAuthBearerValidationResult Valid(string principalName, DateTimeOffset expiresAt, IReadOnlyList<string> scopes) =>
        new(true, principalName, expiresAt, scopes, null);

    public static OAuthBearerValidationResult Invalid(string reason) => new(false, null, null, [], reason);

    public static OAuthBearerValidationResult Expired(string reason) => new(false, null, null, [], reason) { IsExpired = true };
}
