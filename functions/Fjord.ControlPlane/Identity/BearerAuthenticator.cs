using Fjord.ControlPlane.ApiKeys;

namespace Fjord.ControlPlane.Identity;

/// <summary>
/// Who a request's bearer token speaks for: a Fjord API key (<c>fjk.…</c>) is looked up in the key table; anything
/// shaped like a JWT goes to Entra ID when the control plane is configured for it, and is refused as malformed otherwise.
/// </summary>
public sealed class BearerAuthenticator(ApiKeyStore apiKeys, EntraIdAuthenticator? entraId = null)
{
    /// <summary>Whether Entra ID tokens are accepted, so error messages can say which tokens are.</summary>
    public bool AcceptsEntraId => entraId is not null;

    public Task<(ApiKeyCheck Check, ApiKeyPrincipal? Principal)> CheckAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (ApiKeyStore.IsApiKeyShaped(token) || entraId is null || !EntraIdAuthenticator.LooksLikeJwt(token))
            return apiKeys.CheckAsync(token, ct);
        return entraId.CheckAsync(token, ct);
    }
}
