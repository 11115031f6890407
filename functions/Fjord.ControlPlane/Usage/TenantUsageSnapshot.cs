namespace Fjord.ControlPlane.Usage;

/// <summary>What a tenant's topics hold at one roll-up.</summary>
/// <param name="EndOffsets">Per live topic (by id, so a re-created topic starts over), the sum of its partitions' log end offsets.</param>
public sealed record TenantUsageSnapshot(IReadOnlyDictionary<Guid, long> EndOffsets, long RetainedBytes, int Partitions, int Topics);
