using Fjord.ControlPlane.Quotas;

namespace Fjord.Functions.Quotas;

/// <summary>One of the tenant's own quota entities: components <c>user</c> / <c>client-id</c> (null name = the default entity) and Kafka's keys.</summary>
public sealed record TenantQuotaEntityResource(IReadOnlyDictionary<string, string?> Entity, IReadOnlyDictionary<string, double> Quotas)
{
    public static TenantQuotaEntityResource From(TenantQuotaEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new(entity.Entity, entity.Quotas);
    }
}
