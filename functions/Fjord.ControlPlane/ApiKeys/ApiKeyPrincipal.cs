namespace Fjord.ControlPlane.ApiKeys;

/// <summary>Who a valid API key speaks for: an operator (every tenant) when <see cref="TenantId"/> is null, else one tenant.</summary>
public sealed record ApiKeyPrincipal(string KeyId, string? TenantId, DateTimeOffset ExpiresAt)
{
    public bool IsOperator => TenantId is null;

    /// <summary>Whether this key may see or act on <paramref name="tenantId"/> at all.</summary>
    public bool CanAccess(string tenantId) => TenantId is null || TenantId == tenantId;
}
