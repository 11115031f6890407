using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Observability;
using Fjord.Broker.Observability.Derived;
using Fjord.Broker.Operations;
using Fjord.Broker.Storage;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// Two brokers, a topic with one partition led by each, a group that commits and then falls behind: the group's
/// coordinator reports kafka.consumergroup.lag = produced − committed for both partitions, the one it leads from its
/// own replica and the one the other broker leads from the partition stats that broker publishes.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ConsumerLagMetricsTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Topic = "lagging";
    private const string Group = "lag-watchers";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
    {
        Azurite = azurite.Host,
        Brokers = 2,
        Settings = new Dictionary<string, string>
        {
            [PartitionStatsPublisher.TableConfig] = FjordTestCluster.NewTableName(),
            [PartitionStatsPublisher.IntervalConfig] = "200",
            [ConsumerLagMetrics.RefreshIntervalConfig] = "200",
        },
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AGroupThatCommitsThenFallsBehindShowsProducedMinusCommittedOnEveryPartition()
    {
        var bootstrap = _cluster.BootstrapServers;
        await Poll.UntilAsync(() => _cluster.Brokers.All(b => _cluster.InProcess(b.NodeId).Metadata.Current.Brokers.Count == 2), Generous, "both brokers to see each other");
        using (var admin = KafkaClients.Admin(bootstrap))
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = 2, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [0], [1] = [1] } }]);

        Produce(bootstrap, partition: 0, count: 10);
        Produce(bootstrap, partition: 1, count: 10);
        using (var consumer = KafkaClients.Consumer(bootstrap, c => c.GroupId = Group))
        {
            consumer.Assign([new TopicPartitionOffset(Topic, 0, Offset.Beginning), new TopicPartitionOffset(Topic, 1, Offset.Beginning)]);
            var read = 0;
            await Poll.UntilAsync(() => (read += consumer.Consume(TimeSpan.FromMilliseconds(100)) is null ? 0 : 1) == 20, Generous, "the consumer to read all 20 records");
            consumer.Commit([new TopicPartitionOffset(Topic, 0, 10), new TopicPartitionOffset(Topic, 1, 10)]);
        }
        // The group falls behind: 5 more on the partition broker 0 leads, 7 on broker 1's.
        Produce(bootstrap, partition: 0, count: 5);
        Produce(bootstrap, partition: 1, count: 7);

        var coordinator = _cluster.Brokers.Select(b => _cluster.InProcess(b.NodeId)).Single(b => b.Groups.CommittedOffsets().Any(o => o.GroupId == Group));
        output.WriteLine($"broker {coordinator.NodeId} coordinates {Group}");
        using var meter = new Meter("Fjord.Broker");
        using var recorder = new MetricsRecorder(meter);
        await using var metrics = ConsumerLagMetrics.Create(meter, coordinator.Config, new StorageClients(StorageEndpoints.From(coordinator.Config)).MetadataTables(),
            coordinator.Groups, coordinator.Replicas, coordinator.Tenants, TimeProvider.System, NullLoggerFactory.Instance);
        metrics.Start();

        await Poll.UntilAsync(() => LagOf(recorder) is { Count: 2 } lag && lag[0] == 5 && lag[1] == 7, Generous,
            "a lag of 5 on partition 0 and 7 on partition 1");
        var samples = recorder.Collect(ConsumerLagMetrics.LagInstrument).Where(s => (string?)s["consumergroup"] == Group).ToList();
        Assert.All(samples, s => Assert.Equal("", s["tenant"]));
        Assert.All(samples, s => Assert.Equal(Topic, s["topic"]));
        output.WriteLine(string.Join("; ", samples.Select(s => $"partition {s["partition"]}: lag {s.Value}")));

        // Caught up: both go back to 0.
        using (var consumer = KafkaClients.Consumer(bootstrap, c => c.GroupId = Group))
            consumer.Commit([new TopicPartitionOffset(Topic, 0, 15), new TopicPartitionOffset(Topic, 1, 17)]);
        await Poll.UntilAsync(() => LagOf(recorder) is { Count: 2 } lag && lag[0] == 0 && lag[1] == 0, Generous, "the lag to fall to 0 once the group commits the end");
    }

    private static Dictionary<int, long> LagOf(MetricsRecorder recorder) =>
        recorder.Collect(ConsumerLagMetrics.LagInstrument)
            .Where(s => (string?)s["consumergroup"] == Group && (string?)s["topic"] == Topic)
            .ToDictionary(s => (int)s["partition"]!, s => s.Value);

    private static void Produce(string bootstrap, int partition, int count)
    {
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(bootstrap));
        for (var i = 0; i < count; i++)
            producer.Produce(new TopicPartition(Topic, partition), new Message<byte[], byte[]> { Key = null!, Value = Encoding.UTF8.GetBytes($"record-{i}") });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
