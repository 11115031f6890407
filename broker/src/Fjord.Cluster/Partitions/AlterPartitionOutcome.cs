namespace Fjord.Cluster;

/// <summary>
/// <paramref name="State"/> is the stored state after the call: the new one when altered, the
/// current one otherwise (null when the partition is unknown), so a refused leader can catch up without another read.
/// </summary>
public sealed record AlterPartitionOutcome(AlterPartitionStatus Status, PartitionState? State);
