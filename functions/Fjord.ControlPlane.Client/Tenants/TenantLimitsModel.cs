namespace Fjord.ControlPlane.Client.Tenants;

/// <summary>A tenant's limits; null means no limit. A limits update replaces all four.</summary>
public sealed record TenantLimitsModel(int? MaxTopics = null, int? MaxPartitions = null, long? MaxRetainedBytes = null, int? MaxConnections = null)
{
    public static TenantLimitsModel None { get; } = new();
}
