using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Three in-process brokers on one metadata table: partition reassignment and preferred leader
/// election move real data — the new replicas copy the log by replica fetch, the old replica's
/// log is removed, and a consumer reads everything back from the new leader.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ReassignmentTests(AzuriteFixture azurite)
{
    private const int Messages = 2_000;

    [Fact]
    public async Task AReassignedPartitionIsCopiedToItsNewReplicasAndLeavesTheOldOne()
    {
        await using var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Brokers = 3,
            Azurite = azurite.Host,
            Settings = new Dictionary<string, string>
            {
                ["fjord.controller.tick.ms"] = "200",
                ["broker.heartbeat.interval.ms"] = "500",
                ["offsets.topic.replication.factor"] = "1",
            },
            WaitUntilFormed = false,
        });
        var hosts = Enumerable.Range(0, 3).Select(cluster.InProcess).ToList();
        var bootstrap = cluster.BootstrapServers;
        await Poll.UntilAsync(() => hosts.All(h => h.Metadata.Current.Brokers.Count == 3), TimeSpan.FromSeconds(30), "every broker to see all three");

        const string topic = "moving";
        using (var admin = KafkaClients.Admin(bootstrap))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [0] } }]);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(bootstrap)))
        {
            for (var i = 0; i < Messages; i++)
                producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"value-{i}") });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var controller = hosts.Single(h => h.Controller is { IsActive: true });
        await using (var client = await RawKafkaClient.ConnectAsync(controller.BootstrapServers))
        {
            var request = new AlterPartitionReassignmentsRequest();
            request.Topics.Add(new AlterPartitionReassignmentsRequest.ReassignableTopic
            {
                Name = topic,
                Partitions = [new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = 0, Replicas = [1, 2] }],
            });
            var response = await client.SendAsync<AlterPartitionReassignmentsResponse>(request, 0);
            Assert.Equal(0, response.ErrorCode);
            Assert.Equal(0, Assert.Single(Assert.Single(response.Responses).Partitions).ErrorCode);
        }

        // Finished: replicas [1, 2], both in sync, a leader among them, and nothing left on broker 0.
        await Poll.UntilAsync(() => hosts.All(h => h.Metadata.Current.PartitionStateOf(topic, 0) is { } s
                && s.Replicas.Order().SequenceEqual([1, 2]) && s.AddingReplicas is not { Count: > 0 } && s.Isr.Count == 2 && s.Leader is 1 or 2),
            TimeSpan.FromSeconds(60), "the reassignment to complete");
        await Poll.UntilAsync(() => hosts[0].Replicas.GetHosted(topic, 0) is null, TimeSpan.FromSeconds(30), "broker 0 to drop its replica");
        Assert.False(Directory.Exists(Path.Combine(hosts[0].LogDir, $"{topic}-0")));
        foreach (var node in new[] { 1, 2 })
            await Poll.UntilAsync(() => hosts[node].Replicas.GetHosted(topic, 0)?.Log.LogEndOffset == Messages,
                TimeSpan.FromSeconds(30), $"broker {node} to hold all {Messages} records");

        var read = KafkaClients.ReadAll(bootstrap, topic, 1, _ => Messages, TimeSpan.FromSeconds(60))[0];
        Assert.Equal(Messages, read.Count);
        for (var i = 0; i < Messages; i++)
        {
            Assert.Equal(i, read[i].Offset.Value);
            Assert.Equal($"value-{i}", Encoding.UTF8.GetString(read[i].Message.Value));
        }
    }
}
