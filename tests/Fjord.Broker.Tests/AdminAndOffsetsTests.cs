using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

[Collection(BrokerCollection.Name)]
public sealed class AdminAndOffsetsTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host,
        new Dictionary<string, string> { ["log.retention.check.interval.ms"] = "200" });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    // Timestamps must be recent: older records are rightly deleted by the default 7-day retention.
    private static readonly long RecentTimestamp = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();

    private async Task<List<DeliveryResult<byte[], byte[]>>> ProduceAsync(string topic, int count, int partition = 0, long? baseTimestamp = null)
    {
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers));
        var results = new List<DeliveryResult<byte[], byte[]>>();
        for (var i = 0; i < count; i++)
            results.Add(await producer.ProduceAsync(new TopicPartition(topic, partition), ProduceConsumeTests.MessageFor(i, baseTimestamp ?? RecentTimestamp)));
        return results;
    }

    [Fact]
    public async Task AdminClientCreatesATopicThatMetadataDescribes()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = "described", NumPartitions = 3, ReplicationFactor = 1 }]);
        var metadata = admin.GetMetadata("described", TimeSpan.FromSeconds(10));
        var topic = Assert.Single(metadata.Topics);
        Assert.Equal(ErrorCode.NoError, topic.Error.Code);
        Assert.Equal(3, topic.Partitions.Count);
        Assert.All(topic.Partitions, p => Assert.Equal(0, p.Leader));

        var duplicate = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "described", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, duplicate.Results[0].Error.Code);

        var tooMany = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "rf3", NumPartitions = 1, ReplicationFactor = 3 }]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, tooMany.Results[0].Error.Code);

        var badName = await Assert.ThrowsAsync<CreateTopicsException>(() =>
            admin.CreateTopicsAsync([new TopicSpecification { Name = "bad/name", NumPartitions = 1, ReplicationFactor = 1 }]));
        Assert.Equal(ErrorCode.TopicException, badName.Results[0].Error.Code);
    }

    [Fact]
    public async Task WatermarksAndOffsetsForTimesAreRight()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "offsets", 1);
        var baseTimestamp = RecentTimestamp;
        await ProduceAsync("offsets", 500, baseTimestamp: baseTimestamp);

        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("offsets", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(500, watermarks.High.Value);

        var found = consumer.OffsetsForTimes(
            [
                new TopicPartitionTimestamp("offsets", 0, new Timestamp(baseTimestamp + 123, TimestampType.CreateTime)),
            ], TimeSpan.FromSeconds(10));
        Assert.Equal(123, found[0].Offset.Value);

        var beyond = consumer.OffsetsForTimes([new TopicPartitionTimestamp("offsets", 0, new Timestamp(baseTimestamp + 10_000, TimestampType.CreateTime))], TimeSpan.FromSeconds(10));
        Assert.Equal(Offset.End, beyond[0].Offset);

        var before = consumer.OffsetsForTimes([new TopicPartitionTimestamp("offsets", 0, new Timestamp(baseTimestamp - 10_000, TimestampType.CreateTime))], TimeSpan.FromSeconds(10));
        Assert.Equal(0, before[0].Offset.Value);
    }

    [Fact]
    public async Task DeleteRecordsAdvancesTheEarliestOffset()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "trim", 1);
        await ProduceAsync("trim", 300);
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var result = await admin.DeleteRecordsAsync([new TopicPartitionOffset("trim", 0, 120)]);
        Assert.Equal(120, result[0].Offset.Value);

        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("trim", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(120, watermarks.Low.Value);
        Assert.Equal(300, watermarks.High.Value);

        consumer.Assign(new TopicPartitionOffset("trim", 0, Offset.Beginning));
        var first = consumer.Consume(TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Equal(120, first.Offset.Value);

        var beyond = await Assert.ThrowsAsync<DeleteRecordsException>(() => admin.DeleteRecordsAsync([new TopicPartitionOffset("trim", 0, 301)]));
        Assert.Equal(ErrorCode.OffsetOutOfRange, beyond.Results[0].Error.Code);
    }

    [Fact]
    public async Task RetentionByBytesAdvancesTheEarliestOffset()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "retained", 1,
            new Dictionary<string, string> { ["segment.bytes"] = "4096", ["retention.bytes"] = "8192" });
        await ProduceAsync("retained", 400);
        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        await Poll.UntilAsync(() => consumer.QueryWatermarkOffsets(new TopicPartition("retained", 0), TimeSpan.FromSeconds(10)).Low.Value > 0,
            TimeSpan.FromSeconds(30), "retention to delete old segments");
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("retained", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(400, watermarks.High.Value);
        Assert.InRange(watermarks.Low.Value, 1, 399);
    }

    [Fact]
    public async Task RetentionByTimeDeletesExpiredSegments()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "expiring", 1,
            new Dictionary<string, string> { ["segment.bytes"] = "4096", ["retention.ms"] = "3600000" });
        // Timestamps two hours old are past retention.ms as soon as their segment is closed.
        await ProduceAsync("expiring", 200, baseTimestamp: DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds());
        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        await Poll.UntilAsync(() => consumer.QueryWatermarkOffsets(new TopicPartition("expiring", 0), TimeSpan.FromSeconds(10)).Low.Value > 0,
            TimeSpan.FromSeconds(30), "time retention to delete expired segments");
    }

    [Fact]
    public async Task ConfigsRoundTripThroughDescribeAndAlter()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "configured", 1, new Dictionary<string, string> { ["retention.ms"] = "123456" });
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "configured" };

        var described = (await admin.DescribeConfigsAsync([resource]))[0];
        Assert.Equal("123456", described.Entries["retention.ms"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, described.Entries["retention.ms"].Source);
        Assert.Equal(ConfigSource.DefaultConfig, described.Entries["segment.bytes"].Source);

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] =
            [
                new ConfigEntry { Name = "segment.bytes", Value = "1048576", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "retention.ms", IncrementalOperation = AlterConfigOpType.Delete },
            ],
        });
        described = (await admin.DescribeConfigsAsync([resource]))[0];
        Assert.Equal("1048576", described.Entries["segment.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, described.Entries["retention.ms"].Source);

#pragma warning disable CS0618 // AlterConfigs is Kafka's legacy replace-all API; it must still work.
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>> { [resource] = [new ConfigEntry { Name = "retention.bytes", Value = "999999" }] });
#pragma warning restore CS0618
        described = (await admin.DescribeConfigsAsync([resource]))[0];
        Assert.Equal("999999", described.Entries["retention.bytes"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, described.Entries["segment.bytes"].Source);

        var invalid = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "retention.ms", Value = "soon", IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(ErrorCode.InvalidConfig, invalid.Results[0].Error.Code);
    }

    [Fact]
    public async Task ADeletedTopicLosesItsDataAndARecreatedOneIsEmptyWithANewId()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "phoenix", 2);
        await ProduceAsync("phoenix", 50);
        var before = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["phoenix"]));
        var oldId = before.TopicDescriptions[0].TopicId;

        await admin.DeleteTopicsAsync(["phoenix"]);
        Assert.False(Directory.Exists(Path.Combine(_broker[0].LogDir, "phoenix-0")));
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "phoenix", 2);
        var after = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames(["phoenix"]));
        Assert.NotEqual(oldId.ToString(), after.TopicDescriptions[0].TopicId.ToString());

        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition("phoenix", 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(0, watermarks.High.Value);
    }

    [Fact]
    public async Task CreatePartitionsGrowsATopicAndRefusesToShrinkIt()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "growing", 1);
        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 4 }]);
        var metadata = admin.GetMetadata("growing", TimeSpan.FromSeconds(10));
        Assert.Equal(4, metadata.Topics[0].Partitions.Count);
        var shrink = await Assert.ThrowsAsync<CreatePartitionsException>(() => admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = "growing", IncreaseTo = 2 }]));
        Assert.Equal(ErrorCode.InvalidPartitions, shrink.Results[0].Error.Code);
        await ProduceAsync("growing", 5, partition: 3);
    }

    [Fact]
    public async Task DescribeClusterNamesThisBroker()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var cluster = await admin.DescribeClusterAsync();
        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        var node = Assert.Single(cluster.Nodes);
        Assert.Equal(0, node.Id);
        Assert.Equal(_broker[0].Port, node.Port);
    }

    [Fact]
    public async Task TopicsAndDataSurviveACleanRestart()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "durable", 2);
        await ProduceAsync("durable", 100, partition: 1);
        await _broker.RestartAsync(0);
        var consumed = KafkaClients.ReadAll(_broker.BootstrapServers, "durable", 2, p => p == 1 ? 100 : 0, TimeSpan.FromSeconds(30));
        Assert.Equal(100, consumed[1].Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), consumed[1].Select(r => r.Offset.Value));
    }
}
