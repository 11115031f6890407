using Fjord.Broker.Admin;
using Fjord.Broker.Network;
using Fjord.Broker.Quotas;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Operations;

/// <summary>
/// Answers an operator's "what is this tenant using right now": every limit with its current use, and every quota
/// with the rate measured against it and the throttles it caused on this broker.
/// </summary>
/// <param name="retainedBytes">The tenant's retained bytes: cluster-wide and on this broker.</param>
public sealed class TenantUsageReporter(int nodeId, TenantCache tenants, TenantTopicLimits topics, TenantGate gate, BrokerQuotas? quotas,
    Func<string, (long Cluster, long Local)> retainedBytes)
{
    /// <returns>The report, or null when there is no such tenant.</returns>
    public TenantUsageReport? Report(string tenantId)
    {
        if (!tenants.TryGet(tenantId, out var tenant)) return null;
        var limits = tenant.Limits;
        var (topicCount, partitionCount) = topics.Usage(tenant);
        var (cluster, local) = retainedBytes(tenant.Id);
        var brokers = gate.LiveBrokers();
        return new TenantUsageReport(
            tenant.Id,
            tenant.Tenant.State.ToString(),
            nodeId,
            brokers,
            new LimitUsage(limits.MaxTopics, topicCount),
            new LimitUsage(limits.MaxPartitions, partitionCount),
            new StorageUsage(limits.MaxRetainedBytes, cluster, local),
            new ConnectionUsage(limits.MaxConnections, limits.MaxConnections is { } max ? TenantGate.ConnectionShare(max, brokers) : null,
                gate.ConnectionsOf(tenant.Id)),
            quotas?.Usage(tenant.Id) ?? []);
    }
}
