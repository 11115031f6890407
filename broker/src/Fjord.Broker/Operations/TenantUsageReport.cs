using Fjord.Broker.Quotas;

namespace Fjord.Broker.Operations;

/// <summary>What one tenant is using right now against each of its limits and quotas, as one broker sees it.</summary>
/// <param name="Tenant">The tenant id.</param>
/// <param name="State">Active, Suspended or Deleting.</param>
/// <param name="NodeId">The broker that answered: quotas and connections are per broker.</param>
/// <param name="LiveBrokers">How many brokers share the tenant's cluster-wide figures.</param>
/// <param name="Quotas">Each client of the tenant this broker holds to a quota, per quota.</param>
public sealed record TenantUsageReport(
    string Tenant,
    string State,
    int NodeId,
    int LiveBrokers,
    LimitUsage Topics,
    LimitUsage Partitions,
    StorageUsage RetainedBytes,
    ConnectionUsage Connections,
    IReadOnlyList<QuotaUsage> Quotas);
