using Azure.Data.Tables;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Controller;

/// <summary>The controller loop against Table storage (Azurite), each broker with its own store instance as separate processes would have.</summary>
[Collection(BrokerCollection.Name)]
public sealed class TableClusterControllerTests(AzuriteFixture azurite, ITestOutputHelper output)
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
                // Long enough that a loaded test machine never lets the winner's lease lapse mid-test.
                LeaseDuration = TimeSpan.FromSeconds(20),
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
                    // Again after the read: the winner may have claimed and placed everything meanwhile.
                    mostActive = Math.Max(mostActive, controllers.Count(c => c.IsActive));
                    return states.Count(s => s.Topic == "orders") == 4 && states.Count(s => s.Topic == TopicNames.ConsumerOffsets) == 3;
                },
                TimeSpan.FromSeconds(60),
                "the controller to place orders and __consumer_offsets");

            Assert.Equal(1, mostActive);
            var active = Assert.Single(controllers, c => c.IsActive);
            var lease = await stores[2].GetControllerAsync(_ct);
            Assert.True(lease!.Epoch == 1, $"lease epoch {lease.Epoch}, held by {lease.ControllerId}");
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

    [Fact]
    public async Task AnIdleMinuteCostsTheHolderAndAStandbyABoundedNumberOfTableRequests()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var tableName = $"idle{Guid.NewGuid():N}";
        var brokers = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString), tableName, time);
        await brokers.InitializeAsync(_ct);
        var incarnations = new Dictionary<int, Guid>();
        for (var id = 1; id <= 3; id++)
        {
            incarnations[id] = Guid.NewGuid();
            await brokers.RegisterBrokerAsync(new BrokerRegistration(id, incarnations[id], [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")], null, time.GetUtcNow()), _ct);
        }

        var counters = new[] { new CountingPolicy(), new CountingPolicy() };
        var controllers = counters.Select((counter, i) =>
        {
            var options = new TableClientOptions();
            options.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerRetry);
            var store = new TableMetadataStore(new TableServiceClient(azurite.ConnectionString, options), tableName, time);
            return new ClusterController(ControllerTestCluster.Options(i + 1), store, store, time, NullLogger<ClusterController>.Instance);
        }).ToArray();
        try
        {
            foreach (var controller in controllers)
            {
                await controller.StartAsync(_ct);
                await Poll.UntilAsync(() => controller.CompletedTicks > 0 && controller.IsWaiting, TimeSpan.FromSeconds(30), "the first tick");
            }

            async Task StepAsync(int seconds)
            {
                for (var i = 0; i < seconds; i++)
                {
                    foreach (var (id, incarnation) in incarnations)
                        await brokers.HeartbeatAsync(id, incarnation, _ct);
                    var before = controllers.Select(c => c.CompletedTicks).ToArray();
                    time.Advance(ControllerTestCluster.Tick);
                    for (var c = 0; c < controllers.Length; c++)
                    {
                        var (controller, ticks) = (controllers[c], before[c]);
                        await Poll.UntilAsync(() => controller.CompletedTicks > ticks && controller.IsWaiting, TimeSpan.FromSeconds(30), "a tick");
                    }
                }
            }

            // Settle: the first reconciliation creates __consumer_offsets and places it.
            await StepAsync(5);
            Assert.True(controllers[0].IsActive);
            counters[0].Reset();
            counters[1].Reset();

            await StepAsync(60);

            output.WriteLine($"Idle minute: controller {counters[0].Requests} Table requests, standby {counters[1].Requests}.");
            // ListBrokers 1 (one query) + version 1 per tick, a renewal 1 (guarded merge) per LeaseDuration/3;
            // a standby reads the lease row once per LeaseDuration/2. Was 330 and 20 before the renewal
            // and the broker listing became single requests.
            Assert.InRange(counters[0].Requests, 1, (60 * 2) + (30 * 1));
            Assert.InRange(counters[1].Requests, 1, 20);
        }
        finally
        {
            foreach (var controller in controllers)
                await controller.DisposeAsync();
        }
    }
}
