namespace Fjord.ControlPlane.Quotas;

/// <summary>
/// One entity of a tenant's own quotas, as Kafka's DescribeClientQuotas shows it: the components present (<c>user</c>,
/// <c>client-id</c>) with the tenant's own names; a null name is the default entity of its type.
/// </summary>
public sealed record TenantQuotaEntity(IReadOnlyDictionary<string, string?> Entity, IReadOnlyDictionary<string, double> Quotas);
