namespace Fjord.Broker.Operations;

/// <summary>A tenant's retained bytes (local and tiered, counted once per partition, on its leader) against its limit.</summary>
/// <param name="Limit">fjord's MaxRetainedBytes for the tenant, or null.</param>
/// <param name="Used">The cluster-wide figure: the sum of every live broker's last report.</param>
/// <param name="UsedOnThisBroker">What the partitions this broker leads hold.</param>
public sealed record StorageUsage(long? Limit, long Used, long UsedOnThisBroker);
