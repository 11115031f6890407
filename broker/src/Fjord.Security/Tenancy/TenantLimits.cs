namespace Fjord.Security.Tenancy;

/// <summary>
/// What one tenant may hold, cluster-wide. A null limit is no limit. A request that would go past one is
/// refused with Kafka's error for it and a message naming the limit.
/// </summary>
public sealed record TenantLimits(int? MaxTopics = null, int? MaxPartitions = null, long? MaxRetainedBytes = null, int? MaxConnections = null)
{
    public static readonly TenantLimits None = new();
}
