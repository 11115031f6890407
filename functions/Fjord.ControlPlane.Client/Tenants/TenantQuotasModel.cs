namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>A tenant's quotas: the operator's cap, and the tenant's own entities.</summary>
public sealed record TenantQuotasModel(string Tenant, TenantQuotaCapModel Cap, IReadOnlyList<TenantQuotaEntityModel> Entities);
