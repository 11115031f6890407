using System.Diagnostics.Metrics;

namespace Fjord.Broker.Observability;

/// <summary>
/// Kafka's ReplicaManager UnderReplicatedPartitions and KafkaController OfflinePartitionsCount, computed when a
/// reader collects, not kept up to date on the data path. Given as functions so this namespace depends neither on
/// the replica manager nor on the metadata cache (both depend on it).
/// </summary>
public static class PartitionHealthGauges
{
    public const string UnderReplicatedPartitions = "kafka.server.replicamanager.under_replicated_partitions";
    public const string OfflinePartitionsCount = "kafka.controller.kafkacontroller.offline_partitions_count";

    /// <param name="underReplicated">Partitions this broker leads whose ISR is smaller than their replica set.</param>
    /// <param name="offline">Partitions without a leader, counted by the active controller only (others report 0, as in Kafka, so the sum over brokers is the cluster's figure).</param>
    public static void Register(Meter meter, Func<int> underReplicated, Func<int> offline)
    {
        ArgumentNullException.ThrowIfNull(meter);
        meter.CreateObservableGauge(UnderReplicatedPartitions, underReplicated, "{partition}",
            "Partitions this broker leads with fewer in-sync replicas than replicas (Kafka's UnderReplicatedPartitions)");
        meter.CreateObservableGauge(OfflinePartitionsCount, offline, "{partition}",
            "Partitions without a leader, reported by the active controller (Kafka's OfflinePartitionsCount)");
    }
}
