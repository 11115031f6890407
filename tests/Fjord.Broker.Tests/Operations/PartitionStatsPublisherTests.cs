using Azure.Data.Tables;
using Confluent.Kafka;
using Fjord.Broker.Operations;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Operations;

/// <summary>
/// The leader's partition stats against Azurite: what a Confluent.Kafka producer wrote shows in the row (high
/// watermark, size, history), an interval in which nothing moved writes nothing, and an unreachable table neither
/// throws out of the publisher nor stops produce.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class PartitionStatsPublisherTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string _statsTable = FjordTestCluster.NewTableName();
    private FjordTestCluster _cluster = null!;

    // An hour: the broker's own loop publishes once at start and then leaves the ticks to the test.
    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        [PartitionStatsPublisher.TableConfig] = _statsTable,
        [PartitionStatsPublisher.IntervalConfig] = "3600000",
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private async Task ProduceAsync(string topic, int count)
    {
        using var producer = new ProducerBuilder<string, string>(KafkaClients.ProducerConfig(_cluster.BootstrapServers)).SetLogHandler((_, _) => { }).Build();
        for (var i = 0; i < count; i++)
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = new string('v', 100) });
    }

    [Fact]
    public async Task ALeaderPublishesItsPartitionsOffsetsSizeAndHistoryAndWritesNothingWhenNothingMoved()
    {
        const string topic = "stats";
        await KafkaClients.CreateTopicAsync(_cluster.BootstrapServers, topic, 2);
        await ProduceAsync(topic, 30);
        var publisher = _cluster.InProcess().PartitionStats!;
        var store = new TablePartitionStatsStore(new TableServiceClient(azurite.ConnectionString), _statsTable);

        await publisher.RunOnceAsync(CancellationToken.None);
        var rows = await store.ReadTopicAsync(topic, CancellationToken.None);
        Assert.Equal(2, rows.Count);
        Assert.Equal(30, rows.Sum(r => r.HighWatermark));
        Assert.All(rows, r =>
        {
            Assert.Equal(0, r.LogStartOffset);
            Assert.Equal(r.HighWatermark, r.LogEndOffset);
            Assert.Equal(r.HighWatermark, r.HighWatermarkSamples[^1].Offset);
            Assert.Equal(r.HighWatermark > 0, r.LocalSizeBytes > 0);
        });

        var written = publisher.RowsWritten;
        var operations = publisher.TableOperations;
        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(written, publisher.RowsWritten);
        Assert.Equal(operations, publisher.TableOperations);

        await ProduceAsync(topic, 10);
        await publisher.RunOnceAsync(CancellationToken.None);
        // Both partitions of the topic changed at most: one transaction, however many rows.
        Assert.Equal(operations + 1, publisher.TableOperations);
        Assert.Equal(40, (await store.ReadTopicAsync(topic, CancellationToken.None)).Sum(r => r.HighWatermark));
    }

    [Fact]
    public async Task AnUnreachableStatsTableNeitherThrowsNorHoldsUpProduce()
    {
        const string topic = "stats-outage";
        await KafkaClients.CreateTopicAsync(_cluster.BootstrapServers, topic, 1);
        await ProduceAsync(topic, 5);
        // Nothing listens on port 1: every request is refused at once.
        var unreachable = new TableServiceClient(azurite.ConnectionString.Replace($":{azurite.Host.TablePort}/", ":1/", StringComparison.Ordinal));
        var broker = _cluster.InProcess();
        await using var publisher = new PartitionStatsPublisher(broker.Config.NodeId, new TablePartitionStatsStore(unreachable, _statsTable),
            () => broker.Replicas.Hosted, TimeSpan.FromHours(1), 8, TimeProvider.System, NullLogger.Instance);

        await publisher.RunOnceAsync(CancellationToken.None);
        Assert.Equal(0, publisher.RowsWritten);
        await ProduceAsync(topic, 5);
        Assert.Equal(10, broker.Replicas.Hosted.Single(p => p.Topic.Name == topic).Log.HighWatermark);
    }
}
