using Fjord.ControlPlane.ApiKeys;
using Fjord.Security.Authentication;
using Fjord.Security.Tenancy;
using Microsoft.Extensions.Logging;

namespace Fjord.ControlPlane.Identity;

/// <summary>
/// Checks an Entra ID access token with the brokers' own OAUTHBEARER validator (signature against the directory's
/// JWKS, issuer, audience, expiry; asymmetric algorithms only), then maps its app roles to an operator or one
/// tenant. A token that names more than one tenant, or an operator and a tenant, is refused rather than guessed at.
/// </summary>
public sealed class EntraIdAuthenticator : IDisposable
{
    private const string PrincipalPrefix = "entra:";

    private readonly EntraIdOptions _options;
    private readonly OAuthBearerValidator _validator;

    public EntraIdAuthenticator(EntraIdOptions options, TimeProvider time, ILogger<EntraIdAuthenticator> logger, HttpClient? jwksHttpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _validator = new OAuthBearerValidator(
            new OAuthBearerOptions
            {
                ExpectedIssuer = options.Issuer,
                ExpectedAudience = options.Audiences,
                JwksEndpointUrl = options.JwksUrl,
                SubClaimName = options.SubjectClaim,
                // Entra puts app roles in "roles", an array: the validator reads an array claim as one scope per element.
                ScopeClaimName = "roles",
            },
            time,
            logger,
            jwksHttpClient);
    }

    /// <summary>Whether <paramref name="token"/> has the shape of a JWS (three dot-separated parts), so it is worth validating.</summary>
    public static bool LooksLikeJwt(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Count(c => c == '.') == 2 && !token.StartsWith('.') && !token.EndsWith('.');
    }

    public async Task<(ApiKeyCheck Check, ApiKeyPrincipal? Principal)> CheckAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var result = await _validator.ValidateAsync(token, ct).ConfigureAwait(false);
        if (!result.IsValid) return (result.IsExpired ? ApiKeyCheck.Expired : ApiKeyCheck.Unknown, null);
        var tenant = TenantOf(result.Scopes, out var isOperator, out var ambiguous);
        if (ambiguous || (!isOperator && tenant is null)) return (ApiKeyCheck.NoRole, null);
        return (ApiKeyCheck.Valid, new ApiKeyPrincipal(PrincipalPrefix + result.PrincipalName, isOperator ? null : tenant, result.ExpiresAt!.Value));
    }

    public void Dispose() => _validator.Dispose();

    private string? TenantOf(IReadOnlyList<string> roles, out bool isOperator, out bool ambiguous)
    {
        isOperator = false;
        ambiguous = false;
        string? tenant = null;
        foreach (var role in roles)
        {
            if (string.Equals(role, _options.OperatorRole, StringComparison.Ordinal))
            {
                isOperator = true;
                continue;
            }
            if (!role.StartsWith(_options.TenantRolePrefix, StringComparison.Ordinal)) continue;
            var id = role[_options.TenantRolePrefix.Length..];
            if (TenantNamespace.IdProblem(id) is not null) continue;
            if (tenant is not null && tenant != id) ambiguous = true;
            tenant = id;
        }
        if (isOperator && tenant is not null) ambiguous = true;
        return tenant;
    }
}
