namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>A quota the tenant set on its own user or client id (Kafka's keys); a null name in <see cref="Entity"/> is the default entity.</summary>
public sealed record TenantQuotaEntityModel(IReadOnlyDictionary<string, string?> Entity, IReadOnlyDictionary<string, double> Quotas);
