namespace Fjord.Cluster;

/// <summary>
/// What one broker publishes about itself for the control plane, which cannot reach brokers over the network: facts
/// only the broker knows (its Blob tier's upload lag above all) beside its own view of the partitions it hosts.
/// <paramref name="UpdatedAt"/> is the writer's clock; <paramref name="RefreshInterval"/> is the longest the broker
/// lets pass between two writes while it runs, so a reader can tell a row whose broker stopped writing.
/// <paramref name="UnderReplicatedPartitions"/> counts the partitions it leads whose ISR is smaller than their replicas.
/// </summary>
public sealed record BrokerStatus(
    int NodeId,
    Guid IncarnationId,
    string Version,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    TimeSpan RefreshInterval,
    int LeaderPartitions,
    int FollowerPartitions,
    int UnderReplicatedPartitions,
    BrokerTierLag TierLag);
