using Fjord.Security.Tenancy;

namespace Fjord.ControlPlane.Tenants;

/// <summary>A new tenant and the credentials of its admin, who may do everything within the tenant.</summary>
public sealed record CreatedTenant(Tenant Tenant, TenantAdminCredentials Admin);
