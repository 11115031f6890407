using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Fjord.Broker.Tests.Infrastructure;

/// <summary>Confluent.Kafka clients configured for tests: bounded timeouts, quiet logs.</summary>
public static class KafkaClients
{
    public static IAdminClient Admin(string bootstrap) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap, SocketTimeoutMs = 10_000 })
            .SetLogHandler((_, _) => { }).Build();

    public static ProducerConfig ProducerConfig(string bootstrap, Acks acks = Acks.All, CompressionType compression = CompressionType.None) => new()
    {
        BootstrapServers = bootstrap,
        Acks = acks,
        CompressionType = compression,
        LingerMs = 5,
        MessageTimeoutMs = 60_000,
        EnableIdempotence = false,
    };

    public static IProducer<byte[], byte[]> Producer(ProducerConfig config) =>
        new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();

    public static IConsumer<byte[], byte[]> Consumer(string bootstrap, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            CheckCrcs = true,
            EnablePartitionEof = false,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
    }

    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin(bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
    }

    /// <summary>Reads partitions from their start until <paramref name="expectedPerPartition"/> records each, or the deadline.</summary>
    public static Dictionary<int, List<ConsumeResult<byte[], byte[]>>> ReadAll(string bootstrap, string topic, int partitions,
        Func<int, int> expectedPerPartition, TimeSpan timeout)
    {
        using var consumer = Consumer(bootstrap);
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var results = Enumerable.Range(0, partitions).ToDictionary(p => p, _ => new List<ConsumeResult<byte[], byte[]>>());
        var expected = Enumerable.Range(0, partitions).Select(expectedPerPartition).ToArray();
        var unsatisfied = expected.Count(e => e > 0);
        var deadline = DateTime.UtcNow + timeout;
        while (unsatisfied > 0 && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null || result.IsPartitionEOF) continue;
            var list = results[result.Partition.Value];
            list.Add(result);
            if (list.Count == expected[result.Partition.Value]) unsatisfied--;
        }
        consumer.Close();
        return results;
    }
}
