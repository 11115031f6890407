namespace Fjord.Broker.Quotas;

/// <summary>
/// One client's standing against one quota on this broker: the entity whose quota applies to it (Kafka's precedence)
/// with that quota and the rate measured against it, its tenant's cap (the cluster-wide figure and this broker's
/// share of it) with the tenant's rate here, and how often and how long this broker has throttled it.
/// </summary>
/// <param name="QuotaKey">producer_byte_rate, consumer_byte_rate, request_percentage or controller_mutation_rate.</param>
/// <param name="Tenant">The client's tenant, or null for the operator's clients.</param>
/// <param name="User">The stored principal name (acme.bob).</param>
/// <param name="ClientId">The client id the client sent.</param>
/// <param name="Entity">The entity whose quota applies (kafka-configs notation), or null when none does.</param>
/// <param name="Quota">That entity's quota, or null.</param>
/// <param name="Rate">The rate measured against it (per second), over the shared sensor of everyone that entity's quota covers together.</param>
/// <param name="TenantQuota">The tenant's cluster-wide cap, or null.</param>
/// <param name="TenantQuotaOnThisBroker">This broker's share: the cap divided by the live brokers.</param>
/// <param name="TenantRate">The tenant's rate on this broker.</param>
/// <param name="Throttles">Responses this broker throttled for this client.</param>
/// <param name="ThrottleTimeMs">Their throttle time, summed.</param>
/// <param name="ThrottledByTenantCap">Of those, how many the tenant's cap decided (its throttle was the larger).</param>
public sealed record QuotaUsage(
    string QuotaKey,
    string? Tenant,
    string User,
    string ClientId,
    string? Entity,
    double? Quota,
    double Rate,
    double? TenantQuota,
    double? TenantQuotaOnThisBroker,
    double TenantRate,
    long Throttles,
    long ThrottleTimeMs,
    long ThrottledByTenantCap);
