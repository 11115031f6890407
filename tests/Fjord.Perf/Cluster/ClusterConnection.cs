namespace Fjord.Perf.Cluster;

/// <summary>A reachable cluster; disposing it stops the mock cluster when one was started.</summary>
internal sealed class ClusterConnection(string bootstrapServers, MockClusterHost? mockHost) : IDisposable
{
    public string BootstrapServers { get; } = bootstrapServers;

    public bool IsMock => mockHost is not null;

    /// <summary>
    /// Creates the topic (CreateTopics on a real broker, the mock API on the mock cluster) and
    /// waits until every partition has a leader, because producing right after creation can race
    /// the leader election.
    /// </summary>
    public void CreateTopic(string topic, int partitions, short replicationFactor, TimeSpan timeout)
    {
        if (mockHost is not null)
            mockHost.CreateTopic(topic, partitions, replicationFactor);
        else
            TopicAdmin.CreateTopic(BootstrapServers, topic, partitions, replicationFactor, timeout);

        TopicAdmin.WaitForLeaders(BootstrapServers, topic, partitions, timeout);
    }

    public void Dispose() => mockHost?.Dispose();
}
