namespace Fjord.ControlPlane.Client.Cluster;

/// <summary>
/// <c>GET /api/v1/cluster/status</c>: the verdict and its reasons, the controller (null: none), the brokers, partition
/// counts, the Blob tier's lag, and the unhealthy partitions when asked for (null otherwise).
/// </summary>
public sealed record ClusterStatusModel(
    ClusterHealthModel Health,
    IReadOnlyList<string> Reasons,
    DateTimeOffset CheckedAt,
    ControllerModel? Controller,
    IReadOnlyList<BrokerStatusModel> Brokers,
    PartitionHealthModel Partitions,
    TierLagModel Tier,
    IReadOnlyList<UnhealthyPartitionModel>? UnhealthyPartitions);
