using Fjord.Broker.Configuration;

namespace Fjord.Broker.Replication;

/// <summary>The replica.fetch.* settings, under their Kafka names in <see cref="BrokerConfig"/>.</summary>
public sealed record ReplicaFetcherOptions(
    int LocalId,
    int MaxWaitMs,
    int MinBytes,
    int PartitionMaxBytes,
    int ResponseMaxBytes,
    int BackoffMs,
    int SocketTimeoutMs)
{
    public static ReplicaFetcherOptions From(BrokerConfig config) => new(
        config.NodeId,
        config.ReplicaFetchWaitMaxMs,
        config.ReplicaFetchMinBytes,
        config.ReplicaFetchMaxBytes,
        config.ReplicaFetchResponseMaxBytes,
        config.ReplicaFetchBackoffMs,
        config.ReplicaSocketTimeoutMs);
}
