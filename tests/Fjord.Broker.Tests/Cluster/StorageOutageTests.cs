using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Issue 4, "what must be shown" 5: Table storage gone for a minute while every broker lives. Like
/// Kafka with ZooKeeper down, the current leaders keep producing and serving fetches; what needs the
/// metadata store (creating a topic) is refused; and when storage returns the cluster carries on
/// without a restart. Cutting every broker's proxy is what stopping Azurite looks like from the brokers.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class StorageOutageTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Partitions = 3;
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Checkpoint = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task ProduceAndFetchKeepWorkingWhileTableStorageIsDown()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3));
        const string topic = "outage";
        try
        {
            await cluster.CreateTopicAsync(topic, Partitions, 3, new() { ["min.insync.replicas"] = "2" });
            await cluster.WaitForFullIsrAsync(topic, Partitions, Timeout);
            var pids = cluster.Brokers.Select(n => cluster.ChildProcess(n.NodeId).Pid).ToArray();

            using var producer = new AckingProducer(cluster.BootstrapServers, topic, Partitions, "o", messagesPerSecond: 2_000);
            using var consumer = KafkaClients.Consumer(cluster.BootstrapServers);
            consumer.Assign(Enumerable.Range(0, Partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            var consumed = 0L;
            producer.Start(int.MaxValue);
            await producer.WaitForAcksAsync(5_000, Timeout, "before the outage");

            foreach (var node in cluster.Brokers)
                cluster.BlockStorage(node.NodeId);
            output.WriteLine($"Table storage cut off at {producer.Acked} acks");
            var outage = Stopwatch.StartNew();

            // Refused, not hung: the client gets an error well before the outage ends. Checked at the
            // end, so a wrong answer here does not hide what the outage does to produce and fetch.
            var createError = await Record.ExceptionAsync(() => cluster.CreateTopicAsync("during-outage", 1, 3));
            var createTook = outage.Elapsed;
            output.WriteLine($"CreateTopics during the outage, after {createTook.TotalSeconds:0.0} s: " +
                (createError is CreateTopicsException c ? $"{c.Results[0].Error.Code} {c.Results[0].Error.Reason}" : createError?.ToString() ?? "succeeded"));

            // Writes and reads keep flowing through the whole outage, checked every few seconds.
            while (outage.Elapsed < Outage)
            {
                var ackedBefore = producer.Acked;
                var consumedBefore = consumed;
                var until = outage.Elapsed + Checkpoint;
                while (outage.Elapsed < until)
                {
                    if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is not null)
                        consumed++;
                }

                output.WriteLine($"{outage.Elapsed.TotalSeconds:0} s into the outage: {producer.Acked} acked, {consumed} consumed");
                Assert.True(producer.Acked > ackedBefore, $"no write acknowledged for {Checkpoint.TotalSeconds} s, {outage.Elapsed.TotalSeconds:0} s into the outage. {producer.Summary()}");
                Assert.True(consumed > consumedBefore, $"nothing consumed for {Checkpoint.TotalSeconds} s, {outage.Elapsed.TotalSeconds:0} s into the outage");
            }

            foreach (var node in cluster.Brokers)
                cluster.UnblockStorage(node.NodeId);
            output.WriteLine($"Table storage back at {producer.Acked} acks");

            // Recovery without restarts: the same processes, a new topic can be created and used.
            const string afterTopic = "after-outage";
            await Poll.UntilAsync(async () =>
            {
                try
                {
                    await cluster.CreateTopicAsync(afterTopic, 1, 3, new() { ["min.insync.replicas"] = "2" });
                    return true;
                }
                catch (CreateTopicsException e) when (e.Results[0].Error.Code == ErrorCode.TopicAlreadyExists)
                {
                    return true;
                }
                catch (CreateTopicsException)
                {
                    return false;
                }
            }, Timeout, "CreateTopics to succeed after the outage");
            await cluster.WaitForFullIsrAsync(afterTopic, 1, Timeout);
            using (var late = KafkaClients.Producer(KafkaClients.ProducerConfig(cluster.BootstrapServers)))
            {
                var report = await late.ProduceAsync(afterTopic, new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes("after") });
                Assert.Equal(0, report.Offset.Value);
            }

            Assert.Equal("after", Encoding.UTF8.GetString(KafkaClients.ReadAll(cluster.BootstrapServers, afterTopic, 1, _ => 1, Timeout)[0].Single().Message.Value));

            await producer.FinishAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(producer.Summary());
            Assert.Equal(pids, cluster.Brokers.Select(n => cluster.ChildProcess(n.NodeId).Pid).ToArray());
            Assert.True(cluster.Brokers.All(n => n.IsRunning), "a broker exited during the outage");
            Assert.True(producer.Collisions.Count == 0, "offsets acknowledged twice: " + string.Join("; ", producer.Collisions));
            await ClusterAssertions.AcknowledgedWritesAreOnEveryReplicaAsync(cluster, topic, Partitions, producer.Acknowledged, Timeout);
            ClusterAssertions.AcknowledgedWritesAreReadable(cluster, topic, Partitions, producer.Acknowledged);

            // Last, so that a wrong refusal does not hide the rest: a CreateTopics answer with an error
            // code, not a dropped connection (what librdkafka reports as a transport failure).
            var refused = Assert.IsType<CreateTopicsException>(createError);
            Assert.NotEqual(ErrorCode.NoError, refused.Results[0].Error.Code);
            Assert.True(createTook < Outage, $"CreateTopics took {createTook} to fail");
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
