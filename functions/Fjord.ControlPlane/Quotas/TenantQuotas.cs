namespace Fjord.ControlPlane.Quotas;

/// <summary>
/// A tenant's client quotas: <see cref="Cap"/> bounds the sum of all its clients, cluster-wide (the entity
/// <c>{tenant=acme}</c>, set by the operator); <see cref="Entities"/> are the quotas the tenant set on its own users and
/// client ids with AlterClientQuotas, in its own names.
/// </summary>
public sealed record TenantQuotas(string TenantId, IReadOnlyDictionary<string, double> Cap, IReadOnlyList<TenantQuotaEntity> Entities);
