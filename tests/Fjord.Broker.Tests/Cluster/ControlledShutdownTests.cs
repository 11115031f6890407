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
        var table = BrokerHost.NewTableName();
        var hosts = new List<BrokerHost>();
        try
        {
            for (var node = 0; node < 3; node++)
                hosts.Add(await BrokerHost.StartAsync(azurite.ConnectionString, new Dictionary<string, string>
                {
                    ["node.id"] = node.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["fjord.controller.tick.ms"] = "200",
                    ["broker.heartbeat.interval.ms"] = "500",
                    // A failover by session timeout would take a minute: only the handover can pass this test.
                    ["broker.session.timeout.ms"] = "60000",
                }, tableName: table));
            var bootstrap = string.Join(',', hosts.Select(h => h.BootstrapServers));
            await Poll.UntilAsync(() => hosts.All(h => h.Broker.Metadata.Current.Brokers.Count == 3), TimeSpan.FromSeconds(30), "every broker to see all three");
            using (var admin = KafkaClients.Admin(bootstrap))
                await admin.CreateTopicsAsync([new TopicSpecification
                {
                    Name = "handover", NumPartitions = 3, ReplicationFactor = -1,
                    ReplicasAssignments = new() { [0] = [1, 0, 2], [1] = [1, 2, 0], [2] = [0, 2, 1] },
                }]);
            await Poll.UntilAsync(() => Enumerable.Range(0, 3).All(p => hosts[2].Broker.Metadata.Current.PartitionStateOf("handover", p) is { Isr.Count: 3 }),
                TimeSpan.FromSeconds(30), "every partition fully in sync");
            var led = Enumerable.Range(0, 3).Count(p => hosts[2].Broker.Metadata.Current.PartitionStateOf("handover", p)!.Leader == 1);
            Assert.Equal(2, led);

            await hosts[1].DisposeAsync();
            hosts.RemoveAt(1);

            var survivor = hosts[0].Broker.Metadata;
            await survivor.RefreshAsync(force: true, CancellationToken.None);
            foreach (var p in Enumerable.Range(0, 3))
            {
                var state = survivor.Current.PartitionStateOf("handover", p)!;
                Assert.NotEqual(1, state.Leader);
                Assert.DoesNotContain(1, state.Isr);
            }
        }
        finally
        {
            foreach (var host in hosts) await host.DisposeAsync();
        }
    }
}
