namespace Fjord.Security.Tenancy;

/// <summary>
/// A tenant's topic and partition limits against its current use, with the messages both the broker and the
/// control plane answer; each caller counts the use from the metadata it has at hand.
/// </summary>
public static class TenantTopicLimitRules
{
    /// <returns>Why tenant <paramref name="tenantId"/>, holding <paramref name="topics"/> topics with <paramref name="partitions"/> partitions, may not create a topic of <paramref name="asked"/> partitions; or null.</returns>
    public static string? CreateProblem(string tenantId, TenantLimits limits, int topics, long partitions, int asked)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (topics + 1 > limits.MaxTopics)
            return $"Tenant {tenantId} has reached its limit of {limits.MaxTopics} topics";
        if (partitions + asked > limits.MaxPartitions)
            return $"Tenant {tenantId} would exceed its limit of {limits.MaxPartitions} partitions: it has {partitions}, the topic asks for {asked}";
        return null;
    }

    /// <returns>Why tenant <paramref name="tenantId"/>, holding <paramref name="partitions"/> partitions, may not add <paramref name="added"/>; or null.</returns>
    public static string? AddPartitionsProblem(string tenantId, TenantLimits limits, long partitions, int added)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return partitions + added > limits.MaxPartitions
            ? $"Tenant {tenantId} would exceed its limit of {limits.MaxPartitions} partitions: it has {partitions}, the request adds {added}"
            : null;
    }
}
