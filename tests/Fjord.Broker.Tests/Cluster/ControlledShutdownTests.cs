using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>Kafka's controlled shutdown: a broker stopped cleanly hands its leaderships over before it goes.</summary>
[Collection(BrokerCollection.Name)]
public sealed class ControlledShutdownTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task ABrokerStoppedCleanlyLeadsNothingItCouldHandOverOnceItHasStopped()
    {
        await using var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Brokers = 3,
            Azurite = azurite.Host,
            Settings = new Dictionary<string, string>
            {
                ["fjord.controller.tick.ms"] = "200",
                ["broker.heartbeat.interval.ms"] = "500",
                // A failover by session timeout would take a minute: only the handover can pass this test.
                ["broker.session.timeout.ms"] = "60000",
                ["offsets.topic.replication.factor"] = "1",
            },
            WaitUntilFormed = false,
        });
        var hosts = Enumerable.Range(0, 3).Select(cluster.InProcess).ToList();
        var bootstrap = cluster.BootstrapServers;
        await Poll.UntilAsync(() => hosts.All(h => h.Metadata.Current.Brokers.Count == 3), TimeSpan.FromSeconds(30), "every broker to see all three");
        using (var admin = KafkaClients.Admin(bootstrap))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "handover", NumPartitions = 3, ReplicationFactor = -1,
                ReplicasAssignments = new() { [0] = [1, 0, 2], [1] = [1, 2, 0], [2] = [0, 2, 1] },
            }]);
        await Poll.UntilAsync(() => Enumerable.Range(0, 3).All(p => hosts[2].Metadata.Current.PartitionStateOf("handover", p) is { Isr.Count: 3 }),
            TimeSpan.FromSeconds(30), "every partition fully in sync");
        var led = Enumerable.Range(0, 3).Count(p => hosts[2].Metadata.Current.PartitionStateOf("handover", p)!.Leader == 1);
        Assert.Equal(2, led);

        await cluster.StopAsync(1);
        hosts.RemoveAt(1);

        var survivor = hosts[0].Metadata;
        await survivor.RefreshAsync(force: true, CancellationToken.None);
        foreach (var p in Enumerable.Range(0, 3))
        {
            var state = survivor.Current.PartitionStateOf("handover", p)!;
            Assert.NotEqual(1, state.Leader);
            Assert.DoesNotContain(1, state.Isr);
        }
    }
}
