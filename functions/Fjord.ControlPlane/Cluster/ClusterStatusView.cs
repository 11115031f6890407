namespace Fjord.ControlPlane.Cluster;

/// <summary>
/// The cluster's status: the verdict and, when not healthy, a sentence per reason; the controller (null when nobody
/// holds the lease); every registered broker; partition counts; the Blob tier's lag. <see cref="UnhealthyPartitions"/>
/// is null unless asked for, and then lists every partition with a problem, by topic and partition. Topic names are
/// as stored: a tenant's topics carry the <c>tenant.</c> prefix.
/// </summary>
public sealed record ClusterStatusView(
    ClusterHealth Health,
    IReadOnlyList<string> Reasons,
    DateTimeOffset CheckedAt,
    ControllerView? Controller,
    IReadOnlyList<BrokerStatusView> Brokers,
    PartitionHealthSummary Partitions,
    TierLagSummary Tier,
    IReadOnlyList<UnhealthyPartition>? UnhealthyPartitions);
