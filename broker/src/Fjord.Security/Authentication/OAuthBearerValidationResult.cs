namespace Fjord.Security.Authentication;

/// <summary>What validating a token found: who it names and until when, or why it was refused (for logs only).</summary>
public sealed record OAuthBearerValidationResult(
    bool IsValid,
    string? PrincipalName,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<string> Scopes,
    string? FailureReason)
{
    public static OAuthBearerValidationResult Valid(string principalName, DateTimeOffset expiresAt, IReadOnlyList<string> scopes) =>
        new(true, principalName, expiresAt, scopes, null);

    public static OAuthBearerValidationResult Invalid(string reason) => new(false, null, null, [], reason);
}
