using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>
/// compression.type and the KIP-390 level configs go through every admin API the way Kafka takes
/// them: tools and IaC modules (librdkafka's 0081 admin test, Terraform topic definitions) set them.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class CompressionConfigTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host,
        new Dictionary<string, string> { ["compression.type"] = "lz4", ["compression.lz4.level"] = "5" });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task CreateTopicsAcceptsACompressionTypeAndDescribeConfigsReturnsIt()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "gzipped", NumPartitions = 1, ReplicationFactor = 1,
            Configs = new Dictionary<string, string> { ["compression.type"] = "gzip", ["compression.gzip.level"] = "9" },
        }]);

        var described = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "gzipped" }]))[0];
        Assert.Equal("gzip", described.Entries["compression.type"].Value);
        Assert.Equal(ConfigSource.DynamicTopicConfig, described.Entries["compression.type"].Source);
        Assert.Equal("9", described.Entries["compression.gzip.level"].Value);
        // Unset levels report the broker's value (server.properties here) or Kafka's default.
        Assert.Equal("5", described.Entries["compression.lz4.level"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, described.Entries["compression.lz4.level"].Source);
        Assert.Equal("3", described.Entries["compression.zstd.level"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, described.Entries["compression.zstd.level"].Source);
    }

    [Fact]
    public async Task AlterConfigsAndIncrementalAlterConfigsSetEveryCodecAndLevel()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "altered", 1);
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var resource = new ConfigResource { Type = ResourceType.Topic, Name = "altered" };

        foreach (var codec in new[] { "uncompressed", "gzip", "snappy", "lz4", "zstd", "producer" })
        {
            await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
            {
                [resource] = [new ConfigEntry { Name = "compression.type", Value = codec, IncrementalOperation = AlterConfigOpType.Set }],
            });
            var described = (await admin.DescribeConfigsAsync([resource]))[0];
            Assert.Equal(codec, described.Entries["compression.type"].Value);
        }

        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] =
            [
                new ConfigEntry { Name = "compression.zstd.level", Value = "-5", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "compression.lz4.level", Value = "17", IncrementalOperation = AlterConfigOpType.Set },
                new ConfigEntry { Name = "compression.gzip.level", Value = "-1", IncrementalOperation = AlterConfigOpType.Set },
            ],
        });
        var levels = (await admin.DescribeConfigsAsync([resource]))[0];
        Assert.Equal("-5", levels.Entries["compression.zstd.level"].Value);
        Assert.Equal("17", levels.Entries["compression.lz4.level"].Value);
        Assert.Equal("-1", levels.Entries["compression.gzip.level"].Value);

#pragma warning disable CS0618 // AlterConfigs is Kafka's legacy replace-all API; it must still work.
        await admin.AlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "compression.type", Value = "snappy" }],
        });
#pragma warning restore CS0618
        var replaced = (await admin.DescribeConfigsAsync([resource]))[0];
        Assert.Equal("snappy", replaced.Entries["compression.type"].Value);
        Assert.Equal(ConfigSource.DefaultConfig, replaced.Entries["compression.zstd.level"].Source);
    }

    [Theory]
    [InlineData("compression.type", "brotli")]
    [InlineData("compression.type", "GZIP")]
    [InlineData("compression.gzip.level", "0")]
    [InlineData("compression.gzip.level", "10")]
    [InlineData("compression.lz4.level", "0")]
    [InlineData("compression.lz4.level", "18")]
    [InlineData("compression.zstd.level", "23")]
    [InlineData("compression.zstd.level", "-131073")]
    [InlineData("compression.zstd.level", "fast")]
    public async Task BadCompressionValuesAreRefusedWithInvalidConfig(string name, string value)
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var created = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = "refused-" + Guid.NewGuid().ToString("N")[..8], NumPartitions = 1, ReplicationFactor = 1,
            Configs = new Dictionary<string, string> { [name] = value },
        }]));
        Assert.Equal(ErrorCode.InvalidConfig, created.Results[0].Error.Code);

        var topic = "kept-" + Guid.NewGuid().ToString("N")[..8];
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 1);
        var altered = await Assert.ThrowsAsync<IncrementalAlterConfigsException>(() => admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = topic }] = [new ConfigEntry { Name = name, Value = value, IncrementalOperation = AlterConfigOpType.Set }],
        }));
        Assert.Equal(ErrorCode.InvalidConfig, altered.Results[0].Error.Code);
    }

    [Fact]
    public async Task BrokerCompressionSettingsAreDescribedForTheBrokerResource()
    {
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var described = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Broker, Name = "0" }]))[0];
        Assert.Equal("lz4", described.Entries["compression.type"].Value);
        Assert.Equal("5", described.Entries["compression.lz4.level"].Value);
        Assert.Equal("-1", described.Entries["compression.gzip.level"].Value);
        Assert.Equal("3", described.Entries["compression.zstd.level"].Value);
    }
}
