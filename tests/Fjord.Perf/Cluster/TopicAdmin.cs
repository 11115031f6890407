using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Fjord.Perf.Cluster;

/// <summary>Metadata and topic creation through an AdminClient, each call bounded by a timeout.</summary>
internal static class TopicAdmin
{
    public static AdminClientConfig AdminConfig(string bootstrapServers, TimeSpan timeout) => new()
    {
        BootstrapServers = bootstrapServers,
        ClientId = "fjord-perf-admin",
        SocketConnectionSetupTimeoutMs = (int)Math.Min(timeout.TotalMilliseconds, 30_000),
    };

    public static void EnsureReachable(string bootstrapServers, TimeSpan timeout)
    {
        using var admin = Build(bootstrapServers, timeout);
        try
        {
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count == 0)
                throw new BrokerUnreachableException($"bootstrap server {bootstrapServers} returned Metadata with no brokers");
        }
        catch (KafkaException ex)
        {
            throw new BrokerUnreachableException(
                $"bootstrap server {bootstrapServers} did not answer Metadata within {timeout.TotalSeconds:0}s: {ex.Error.Reason}", ex);
        }
    }

    public static void CreateTopic(string bootstrapServers, string topic, int partitions, short replicationFactor, TimeSpan timeout)
    {
        using var admin = Build(bootstrapServers, timeout);
        try
        {
            admin.CreateTopicsAsync(
                [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor }],
                new CreateTopicsOptions { OperationTimeout = timeout, RequestTimeout = timeout })
                .WaitAsync(timeout + TimeSpan.FromSeconds(5))
                .GetAwaiter().GetResult();
        }
        catch (CreateTopicsException ex) when (ex.Results.All(r => r.Error.Code == ErrorCode.TopicAlreadyExists))
        {
            Console.Error.WriteLine($"topic {topic} already exists; using it as is");
        }
        catch (TimeoutException ex)
        {
            throw new BrokerUnreachableException($"CreateTopics for {topic} did not complete within {timeout.TotalSeconds:0}s", ex);
        }
    }

    public static void WaitForLeaders(string bootstrapServers, string topic, int partitions, TimeSpan timeout)
    {
        using var admin = Build(bootstrapServers, timeout);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var count = PartitionCount(admin, topic, timeout);
            if (count >= partitions)
                return;
            if (DateTime.UtcNow > deadline)
                throw new BrokerUnreachableException($"topic {topic} has {count} of {partitions} partitions with a leader after {timeout.TotalSeconds:0}s");
            Thread.Sleep(50);
        }
    }

    /// <summary>Number of partitions of <paramref name="topic"/> that currently have a leader; 0 when the topic is unknown.</summary>
    public static int PartitionCount(string bootstrapServers, string topic, TimeSpan timeout)
    {
        using var admin = Build(bootstrapServers, timeout);
        return PartitionCount(admin, topic, timeout);
    }

    private static int PartitionCount(IAdminClient admin, string topic, TimeSpan timeout)
    {
        var metadata = admin.GetMetadata(topic, timeout);
        var entry = metadata.Topics.FirstOrDefault(t => t.Topic == topic);
        if (entry is null || entry.Error.Code != ErrorCode.NoError)
            return 0;
        return entry.Partitions.Count(p => p.Leader >= 0);
    }

    private static IAdminClient Build(string bootstrapServers, TimeSpan timeout) =>
        new AdminClientBuilder(ClientLogging.Configure(AdminConfig(bootstrapServers, timeout)))
            .SetLogHandler(ClientLogging.Write)
            .Build();
}
