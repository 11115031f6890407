namespace Fjord.Cluster;

/// <summary>
/// The checks on a new topic's partition count and replication factor, with Kafka's messages, shared by the
/// broker's CreateTopics and the control plane so both refuse the same requests in the same words.
/// </summary>
public static class TopicCreationRules
{
    public static string? PartitionCountProblem(int partitions) =>
        partitions <= 0 ? "Number of partitions must be larger than 0" : null;

    /// <param name="registeredBrokers">Brokers that may hold replicas: every registered one, live or not.</param>
    public static string? ReplicationFactorProblem(short replicationFactor, int registeredBrokers)
    {
        if (replicationFactor <= 0) return "Replication factor must be larger than 0";
        return replicationFactor > registeredBrokers
            ? $"Unable to replicate the partition {replicationFactor} time(s): The target replication factor of {replicationFactor} cannot be reached because only {registeredBrokers} broker(s) are registered."
            : null;
    }
}
