namespace Fjord.ControlPlane.Usage;

/// <summary>One tenant's use of the cluster in one hour (UTC), as the reconciler rolled it up from the brokers' partition stats.</summary>
/// <param name="Hour">The start of the hour.</param>
/// <param name="RecordsIn">Records appended to the tenant's partitions in the hour (growth of their log end offsets).</param>
/// <param name="RetainedBytes">The most bytes the tenant's partitions held at a roll-up in the hour: local segments
/// measured, the tiered part estimated at the local average record size.</param>
/// <param name="Partitions">The most partitions the tenant had at a roll-up in the hour.</param>
/// <param name="Topics">The most topics the tenant had at a roll-up in the hour.</param>
/// <param name="UpdatedAt">The last roll-up that touched the hour.</param>
public sealed record TenantUsageHour(DateTimeOffset Hour, long RecordsIn, long RetainedBytes, int Partitions, int Topics, DateTimeOffset UpdatedAt);
