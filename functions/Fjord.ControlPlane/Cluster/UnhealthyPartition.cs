namespace Fjord.ControlPlane.Cluster;

/// <summary>A partition with at least one <see cref="PartitionProblem"/>, with its replicas, ISR and leader (-1: none).</summary>
public sealed record UnhealthyPartition(
    string Topic,
    int Partition,
    int Leader,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    int MinInsyncReplicas,
    IReadOnlyList<PartitionProblem> Problems);
