using Confluent.Kafka;
using Fjord.Perf.Cluster;

namespace Fjord.Perf.Groups;

/// <summary>Topic preparation shared by the group commands: create if asked, count partitions, seed records.</summary>
internal static class GroupTopic
{
    /// <returns>The number of partitions with a leader, which is what the group will be assigned.</returns>
    public static int Prepare(ClusterConnection cluster, string topic, int partitions, bool create, short replicationFactor, TimeSpan timeout)
    {
        if (create)
            cluster.CreateTopic(topic, partitions, replicationFactor, timeout);

        var actual = TopicAdmin.PartitionCount(cluster.BootstrapServers, topic, timeout);
        if (actual == 0)
            throw new InvalidOperationException($"topic {topic} does not exist or has no partition leader (pass --create-topic to create it)");
        if (actual != partitions)
            Console.Error.WriteLine($"topic {topic} has {actual} partitions with a leader, not {partitions}; using all {actual}");
        return actual;
    }

    /// <summary>
    /// Writes <paramref name="perPartition"/> small records to every partition, so the committed
    /// offsets point at records that exist (Kafka accepts any offset, but a commit past the log end
    /// is not what a real consumer does).
    /// </summary>
    public static void Seed(string bootstrapServers, string topic, int partitions, int perPartition, TimeSpan timeout)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "fjord-perf-seed",
            Acks = Acks.All,
            MessageTimeoutMs = (int)Math.Min(timeout.TotalMilliseconds, int.MaxValue),
        };
        using var producer = new ProducerBuilder<Null, byte[]>(ClientLogging.Configure(config))
            .SetLogHandler(ClientLogging.Write)
            .Build();

        var payload = new Message<Null, byte[]> { Value = "fjord-perf-seed"u8.ToArray() };
        string? firstError = null;
        var failed = 0;
        for (var p = 0; p < partitions; p++)
        {
            var target = new TopicPartition(topic, p);
            for (var i = 0; i < perPartition; i++)
            {
                producer.Produce(target, payload, report =>
                {
                    if (report.Error.IsError)
                    {
                        Interlocked.Increment(ref failed);
                        Interlocked.CompareExchange(ref firstError, report.Error.Reason, null);
                    }
                });
            }
        }

        if (producer.Flush(timeout) > 0)
            throw new TimeoutException($"seeding {topic}: records still undelivered after {timeout.TotalSeconds:0}s");
        if (Volatile.Read(ref failed) > 0)
            throw new InvalidOperationException($"seeding {topic}: {failed} records failed, first error: {firstError}");
    }
}
