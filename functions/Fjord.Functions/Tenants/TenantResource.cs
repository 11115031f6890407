using System.Text.Json.Serialization;
using Fjord.Security.Tenancy;

namespace Fjord.Functions.Tenants;

/// <summary>A tenant as the API shows it. <see cref="Admin"/> is present only in the answer that created the tenant.</summary>
public sealed record TenantResource(
    string Id,
    string DisplayName,
    TenantState State,
    string ClusterId,
    TenantLimitsBody Limits,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AdminCredentialsResource? Admin = null)
{
    public static TenantResource From(Tenant tenant, AdminCredentialsResource? admin = null)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        return new(tenant.Id, tenant.DisplayName, tenant.State, tenant.ClusterId, TenantLimitsBody.From(tenant.Limits), tenant.CreatedAt, admin);
    }
}
