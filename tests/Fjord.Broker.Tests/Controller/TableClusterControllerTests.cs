using Azure.Data.Tables;
using Fjord.Broker.Controller;
using Fjord.Broker.Metadata;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Controller;

/// <summary>The controller loop against Table storage (Azurite), each broker with its own store instance as separate processes would have.</summary>
[Collection(BrokerCollection.Name)]
public sealed class TableClusterControllerTests(AzuriteFixture azurite)
{
    private readonly CancellationToken _ct = new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    [Fact]
    public async Task ThreeControllersRacingForTheLeaseElectExactlyOneWhichPlacesTheTopic()
    {
        var tableName = $"ctl{Guid.NewGuid():N}";
        var stores = Enumerable.Range(0, 3).Select(_ => new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), tableName)).ToArray();
        await stores[0].InitializeAsync(_ct);
        for (var id = 1; id <= 3; id++)
            await stores[0].RegisterBrokerAsync(new BrokerRegistration(id, Guid.NewGuid(), [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")], $"rack{id}", DateTimeOffset.UtcNow), _ct);
        await stores[0].CreateTopicAsync(new TopicMetadata("orders", Guid.NewGuid(), 4, 3, new Dictionary<string, string>()), _ct);

        var controllers = Enumerable.Range(0, 3).Select(i => new ClusterController(
            ControllerTestCluster.Options(i + 1) with
            {
                Tick = TimeSpan.FromMilliseconds(200),
                LeaseDuration = TimeSpan.FromSeconds(3),
                SessionTimeout = TimeSpan.FromSeconds(60),
            },
            stores[i],
            stores[i],
            TimeProvider.System,
            NullLogger<ClusterController>.Instance)).ToArray();
        try
        {
            await Task.WhenAll(controllers.Select(c => c.StartAsync(_ct)));
            var mostActive = 0;
            await Poll.UntilAsync(
                async () =>
                {
                    mostActive = Math.Max(mostActive, controllers.Count(c => c.IsActive));
                    var states = await stores[1].ListPartitionStatesAsync(_ct);
                    return states.Count(s => s.Topic == "orders") == 4 && states.Count(s => s.Topic == TopicNames.ConsumerOffsets) == 3;
                },
                TimeSpan.FromSeconds(60),
                "the controller to place orders and __consumer_offsets");

            Assert.Equal(1, mostActive);
            var active = Assert.Single(controllers, c => c.IsActive);
            var lease = await stores[2].GetControllerAsync(_ct);
            Assert.Equal(1, lease!.Epoch);
            Assert.Equal(active, controllers[lease.ControllerId - 1]);
            var orders = (await stores[2].ListPartitionStatesAsync(_ct)).Where(s => s.Topic == "orders").ToList();
            Assert.All(orders, s => Assert.Equal([1, 2, 3], s.Replicas.Order()));
            Assert.All(orders, s => Assert.Equal(s.Replicas[0], s.Leader));
            Assert.Single(await stores[0].ListTopicsAsync(_ct), t => t.Name == TopicNames.ConsumerOffsets);
        }
        finally
        {
            foreach (var controller in controllers)
                await controller.DisposeAsync();
        }
    }
}
