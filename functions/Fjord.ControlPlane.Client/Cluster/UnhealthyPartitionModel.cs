namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>A partition with at least one problem; <see cref="Leader"/> is -1 when it has none.</summary>
public sealed record UnhealthyPartitionModel(
    string Topic,
    int Partition,
    int Leader,
    IReadOnlyList<int> Replicas,
    IReadOnlyList<int> Isr,
    int MinInsyncReplicas,
    IReadOnlyList<PartitionProblemModel> Problems);
