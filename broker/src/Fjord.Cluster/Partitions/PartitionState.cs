namespace Fjord.Cluster;

/// <summary>
/// The replication state of one partition, as KRaft's PartitionRecord holds it. <paramref name="Leader"/>
/// is -1 when the partition has no leader. <paramref name="LeaderEpoch"/> grows on every leader change;
/// <paramref name="PartitionEpoch"/> grows on every change of the row (leader, replicas or ISR), and is
/// what every compare-and-swap on the row checks. While a reassignment is in progress,
/// <paramref name="Replicas"/> is the union of the old and the target replicas, and
/// <paramref name="AddingReplicas"/> / <paramref name="RemovingReplicas"/> are the target's new members
/// and the old members leaving (KRaft's fields of those names); null (or empty) when none.
/// </summary>
public sealed record PartitionState(
    string Topic,
    int Partition,
    IReadOnlyList<int> Replicas,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Isr,
    int PartitionEpoch,
    IReadOnlyList<int>? AddingReplicas = null,
    IReadOnlyList<int>? RemovingReplicas = null)
{
    public const int NoLeader = -1;

    /// <summary>True while a reassignment of this partition is in progress.</summary>
    public bool IsReassigning => AddingReplicas is { Count: > 0 } || RemovingReplicas is { Count: > 0 };
}
