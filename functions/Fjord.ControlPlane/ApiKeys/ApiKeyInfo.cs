namespace Fjord.ControlPlane.ApiKeys;

/// <summary>What is known of a stored API key without its secret: enough to list, audit and revoke it.</summary>
/// <param name="TenantId">The tenant the key is for, or null for an operator key.</param>
public sealed record ApiKeyInfo(string KeyId, string? TenantId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string Description);
