using Fjord.Cluster;
using Fjord.Security.Tenancy;

namespace Fjord.Broker.Admin;

/// <summary>
/// A tenant's topic and partition limits, checked where topics are made (CreateTopics, auto-creation,
/// CreatePartitions) against the cluster's metadata as this broker last saw it. The owner is found from the stored
/// name, so no path that creates a topic can go around the check. Two creates racing on two brokers can both fit
/// the last free slot; the limit then holds again from the next create on.
/// </summary>
public sealed class TenantTopicLimits(TenantCache tenants, MetadataCache metadata)
{
    /// <returns>Why creating topic <paramref name="name"/> with <paramref name="partitions"/> partitions would break its tenant's limits, or null.</returns>
    public string? CheckCreate(string name, int partitions)
    {
        if (tenants.OwnerOf(name) is not { } tenant) return null;
        var limits = tenant.Limits;
        if (limits.MaxTopics is null && limits.MaxPartitions is null) return null;
        var (topics, used) = Usage(tenant);
        return TenantTopicLimitRules.CreateProblem(tenant.Id, limits, topics, used, partitions);
    }

    /// <returns>Why adding <paramref name="added"/> partitions to topic <paramref name="name"/> would break its tenant's limits, or null.</returns>
    public string? CheckAddPartitions(string name, int added)
    {
        if (tenants.OwnerOf(name) is not { } tenant || tenant.Limits.MaxPartitions is null) return null;
        var (_, used) = Usage(tenant);
        return TenantTopicLimitRules.AddPartitionsProblem(tenant.Id, tenant.Limits, used, added);
    }

    /// <returns>The tenant's topics and partitions in the cluster's metadata as this broker last saw it.</returns>
    public (int Topics, long Partitions) Usage(TenantScope tenant)
    {
        var topics = 0;
        var partitions = 0L;
        foreach (var (name, topic) in metadata.Current.TopicsByName)
        {
            if (!tenant.Owns(name)) continue;
            topics++;
            partitions += topic.PartitionCount;
        }
        return (topics, partitions);
    }
}
