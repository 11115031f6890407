using Fjord.ControlPlane.Quotas;

namespace Fjord.Functions.Quotas;

/// <summary>A tenant's quotas: the operator's cap on the whole tenant, and the quotas the tenant set on its own users and client ids.</summary>
public sealed record TenantQuotasResource(string Tenant, TenantQuotaCapBody Cap, IReadOnlyList<TenantQuotaEntityResource> Entities)
{
    public static TenantQuotasResource From(TenantQuotas quotas)
    {
        ArgumentNullException.ThrowIfNull(quotas);
        return new(quotas.TenantId, TenantQuotaCapBody.From(quotas.Cap), [.. quotas.Entities.Select(TenantQuotaEntityResource.From)]);
    }
}
