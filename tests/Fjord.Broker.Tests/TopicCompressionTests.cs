using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>
/// Interop for topic and broker compression.type: every Confluent.Kafka (librdkafka) producer codec
/// into every topic codec; the stored batches carry the topic's codec and both librdkafka consumers
/// (Confluent.Kafka and kcat) read back every key, value, header and timestamp.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TopicCompressionTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int Messages = 300;
    private static readonly string[] TopicCodecs = ["uncompressed", "gzip", "snappy", "lz4", "zstd", "producer"];
    private static readonly long RecentTimestamp = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds();
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public static TheoryData<CompressionType> ProducerCodecs() =>
        [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

    private static int CodecId(CompressionType producerCodec) => producerCodec switch
    {
        CompressionType.None => 0,
        CompressionType.Gzip => 1,
        CompressionType.Snappy => 2,
        CompressionType.Lz4 => 3,
        _ => 4,
    };

    private static int CodecId(string topicCodec) => Array.IndexOf(["uncompressed", "gzip", "snappy", "lz4", "zstd"], topicCodec);

    [Theory]
    [MemberData(nameof(ProducerCodecs))]
    public async Task EveryProducerCodecIntoEveryTopicCodecIsStoredInTheTopicCodecAndReadsBackExactly(CompressionType producerCodec)
    {
        foreach (var topicCodec in TopicCodecs)
        {
            var topic = $"c-{producerCodec}-{topicCodec}".ToLowerInvariant();
            await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 1, new Dictionary<string, string> { ["compression.type"] = topicCodec });
            Produce(topic, producerCodec);

            var codecs = await StoredCodecsAsync(topic);
            if (topicCodec == "producer")
            {
                // Stored as sent. librdkafka sends a batch uncompressed when compressing would not shrink it
                // (a lone small record), so a few uncompressed batches may sit among the producer's codec.
                Assert.True(codecs.Contains(CodecId(producerCodec)) && codecs.All(c => c == CodecId(producerCodec) || c == 0),
                    $"{producerCodec} into producer: stored codecs {string.Join(',', codecs)}");
            }
            else
            {
                Assert.True(codecs.Count > 0 && codecs.All(c => c == CodecId(topicCodec)),
                    $"{producerCodec} into {topicCodec}: stored codecs {string.Join(',', codecs)}, expected all {CodecId(topicCodec)}");
            }

            AssertConfluentConsumerReadsEverything(topic);
            await AssertKcatReadsEverythingAsync(topic);
        }
    }

    [Fact]
    public async Task TheBrokerCompressionTypeAppliesToTopicsThatDoNotSetTheirOwn()
    {
        await using var broker = await FjordTestCluster.StartAsync(azurite.Host,
            new Dictionary<string, string> { ["compression.type"] = "zstd", ["compression.zstd.level"] = "10" });
        await KafkaClients.CreateTopicAsync(broker.BootstrapServers, "inherits", 1);
        Produce("inherits", CompressionType.Gzip, broker.BootstrapServers);

        Assert.All(await StoredCodecsAsync("inherits", broker.BootstrapServers), c => Assert.Equal(4, c));
        AssertConfluentConsumerReadsEverything("inherits", broker.BootstrapServers);
        using var admin = KafkaClients.Admin(broker.BootstrapServers);
        var described = (await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = "inherits" }]))[0];
        Assert.Equal("zstd", described.Entries["compression.type"].Value);
        Assert.Equal(ConfigSource.StaticBrokerConfig, described.Entries["compression.type"].Source);
    }

    [Fact]
    public async Task AlteringTheTopicCodecRecompressesLaterBatchesAndLeavesEarlierOnesAlone()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "switched", 1);
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers));
        await producer.ProduceAsync("switched", ProduceConsumeTests.MessageFor(0, RecentTimestamp));
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [new ConfigResource { Type = ResourceType.Topic, Name = "switched" }] =
                [new ConfigEntry { Name = "compression.type", Value = "lz4", IncrementalOperation = AlterConfigOpType.Set }],
        });

        // The leader learns the new config from the metadata it polls; produce until a batch shows it.
        var sent = 1;
        await Poll.UntilAsync(async () =>
        {
            await producer.ProduceAsync("switched", ProduceConsumeTests.MessageFor(sent++, RecentTimestamp));
            return (await StoredCodecsAsync("switched"))[^1] == 3;
        }, TimeSpan.FromSeconds(20), "a batch stored as lz4 after the alter");

        var codecs = await StoredCodecsAsync("switched");
        Assert.Equal(0, codecs[0]);
        Assert.Equal(3, codecs[^1]);
        var read = KafkaClients.ReadAll(_broker.BootstrapServers, "switched", 1, _ => sent, TimeSpan.FromSeconds(30))[0];
        Assert.Equal(Enumerable.Range(0, sent).Select(i => $"key-{i}"), read.Select(r => Encoding.UTF8.GetString(r.Message.Key)));
    }

    [Fact]
    public async Task ABatchThatOutgrowsMaxMessageBytesWhenRecompressedIsRefusedWithMessageTooLarge()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "inflates", 1,
            new Dictionary<string, string> { ["compression.type"] = "uncompressed", ["max.message.bytes"] = "20000" });
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers, compression: CompressionType.Zstd));

        // 50 KB of zeros is a few dozen bytes as zstd: within the limit as sent, far above it once stored uncompressed.
        var refused = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(() =>
            producer.ProduceAsync("inflates", new Message<byte[], byte[]> { Key = [1], Value = new byte[50_000] }));
        Assert.Equal(Confluent.Kafka.ErrorCode.MsgSizeTooLarge, refused.Error.Code);

        var small = await producer.ProduceAsync("inflates", new Message<byte[], byte[]> { Key = [2], Value = new byte[100] });
        Assert.Equal(0, small.Offset.Value);
    }

    private void Produce(string topic, CompressionType codec, string? bootstrap = null)
    {
        var config = KafkaClients.ProducerConfig(bootstrap ?? _broker.BootstrapServers, compression: codec);
        config.LingerMs = 20; // several records per batch, so the rewrite has a real records section
        using var producer = KafkaClients.Producer(config);
        var failures = 0;
        for (var i = 0; i < Messages; i++)
            producer.Produce(new TopicPartition(topic, 0), ProduceConsumeTests.MessageFor(i, RecentTimestamp), r => { if (r.Error.IsError) Interlocked.Increment(ref failures); });
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, failures);
    }

    private void AssertConfluentConsumerReadsEverything(string topic, string? bootstrap = null)
    {
        var read = KafkaClients.ReadAll(bootstrap ?? _broker.BootstrapServers, topic, 1, _ => Messages, TimeSpan.FromSeconds(30))[0];
        Assert.Equal(Messages, read.Count);
        for (var i = 0; i < Messages; i++)
        {
            ProduceConsumeTests.AssertSameRecord(ProduceConsumeTests.MessageFor(i, RecentTimestamp), i, read[i]);
        }
    }

    private async Task AssertKcatReadsEverythingAsync(string topic)
    {
        var (code, output) = await Kcat.RunAsync($"-b {_broker.BootstrapServers} -C -t {topic} -p 0 -o beginning -e -q -f \"%k|%s|%T\\n\"");
        Assert.True(code == 0, output);
        var expected = Enumerable.Range(0, Messages).Select(i =>
        {
            var m = ProduceConsumeTests.MessageFor(i, RecentTimestamp);
            return $"{Encoding.UTF8.GetString(m.Key)}|{Encoding.UTF8.GetString(m.Value)}|{m.Timestamp.UnixTimestampMs}";
        });
        Assert.Equal(expected, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The codec (attributes bits 0-2) of every batch the broker serves, read with a raw Fetch.</summary>
    private async Task<List<int>> StoredCodecsAsync(string topic, string? bootstrap = null)
    {
        await using var client = await RawKafkaClient.ConnectAsync(bootstrap ?? _broker.BootstrapServers);
        var codecs = new List<int>();
        long offset = 0;
        while (true)
        {
            var request = new FetchRequest { MaxWaitMs = 0, MinBytes = 0, MaxBytes = 4 * 1024 * 1024 };
            var fetchTopic = new FetchRequest.FetchTopic { Topic = topic };
            fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0, FetchOffset = offset, PartitionMaxBytes = 1024 * 1024 });
            request.Topics.Add(fetchTopic);
            var partition = (await client.SendAsync<FetchResponse>(request, 4)).Responses[0].Partitions[0];
            Assert.Equal(0, partition.ErrorCode);
            var records = partition.Records?.ToArray() ?? [];
            var before = codecs.Count;
            for (var p = 0; p + 61 <= records.Length;)
            {
                var size = 12 + BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(p + 8));
                if (p + size > records.Length) break; // a partial batch at the end of the response
                codecs.Add(BinaryPrimitives.ReadInt16BigEndian(records.AsSpan(p + 21)) & 0x07);
                offset = BinaryPrimitives.ReadInt64BigEndian(records.AsSpan(p)) + BinaryPrimitives.ReadInt32BigEndian(records.AsSpan(p + 23)) + 1;
                p += size;
            }
            if (codecs.Count == before || offset >= partition.HighWatermark) return codecs;
        }
    }
}
