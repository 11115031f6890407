namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// What is wrong with a partition. <see cref="Offline"/>: no leader, or its leader is not alive.
/// <see cref="UnderReplicated"/>: its ISR is smaller than its replica set. <see cref="UnderMinIsr"/>: its ISR is
/// smaller than the topic's <c>min.insync.replicas</c>, so acks=all produce to it fails.
/// </summary>
public enum PartitionProblem
{
    Offline,
    UnderReplicated,
    UnderMinIsr,
}
