namespace Fjord.Cluster;

/// <summary>
/// The replication state of one partition, as KRaft's PartitionRecord holds it. <paramref name="Leader"/>
/// is -1 when the partition has no leader. <paramref name="LeaderEpoch"/> grows on every leader change;
/// <paramref name="PartitionEpoch"/> grows on every change of the row (leader, replicas or ISR), and is
/// what every compare-and-swap on the row checks.
/// </summary>
public sealed record PartitionState(
    string Topic,
    int Partition,
    IReadOnlyList<int> Replicas,
    int Leader,
    int LeaderEpoch,
    IReadOnlyList<int> Isr,
    int PartitionEpoch)
{
    public const int NoLeader = -1;
}
