using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

[Collection(BrokerCollection.Name)]
public sealed class ProduceConsumeTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const int MessageCount = 100_000;
    private const int Partitions = 3;
    private FjordTestCluster _broker = null!;

    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public static TheoryData<CompressionType, Acks> Matrix()
    {
        var data = new TheoryData<CompressionType, Acks>();
        foreach (var compression in new[] { CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd })
            foreach (var acks in new[] { Acks.None, Acks.Leader, Acks.All })
                data.Add(compression, acks);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task HundredThousandMessagesComeBackByteExactAndInOrderPerPartition(CompressionType compression, Acks acks)
    {
        var topic = $"pc-{compression}-{acks}".ToLowerInvariant();
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, Partitions);
        var baseTimestamp = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();

        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers, acks, compression)))
        {
            var failures = 0;
            for (var i = 0; i < MessageCount; i++)
            {
                var message = MessageFor(i, baseTimestamp);
                while (true)
                {
                    try
                    {
                        producer.Produce(new TopicPartition(topic, i % Partitions), message, r => { if (r.Error.IsError) Interlocked.Increment(ref failures); });
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(50));
                    }
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
            Assert.Equal(0, failures);
        }

        var consumed = KafkaClients.ReadAll(_broker.BootstrapServers, topic, Partitions,
            p => (MessageCount - p + Partitions - 1) / Partitions, TimeSpan.FromSeconds(120));
        for (var p = 0; p < Partitions; p++)
        {
            var expected = Enumerable.Range(0, MessageCount).Where(i => i % Partitions == p).ToList();
            var actual = consumed[p];
            Assert.Equal(expected.Count, actual.Count);
            for (var k = 0; k < expected.Count; k++)
            {
                AssertSameRecord(MessageFor(expected[k], baseTimestamp), k, actual[k]);
            }
        }
    }

    /// <summary>The consumed record is <paramref name="want"/> at <paramref name="offset"/>: key, value, CreateTime timestamp, headers.</summary>
    internal static void AssertSameRecord(Message<byte[], byte[]> want, long offset, ConsumeResult<byte[], byte[]> got)
    {
        Assert.Equal(offset, got.Offset.Value);
        Assert.Equal(want.Key, got.Message.Key);
        Assert.Equal(want.Value, got.Message.Value);
        Assert.Equal(want.Timestamp.UnixTimestampMs, got.Message.Timestamp.UnixTimestampMs);
        Assert.Equal(TimestampType.CreateTime, got.Message.Timestamp.Type);
        Assert.Equal(want.Headers.Count, got.Message.Headers.Count);
        for (var h = 0; h < want.Headers.Count; h++)
        {
            Assert.Equal(want.Headers[h].Key, got.Message.Headers[h].Key);
            Assert.Equal(want.Headers[h].GetValueBytes(), got.Message.Headers[h].GetValueBytes());
        }
    }

    internal static Message<byte[], byte[]> MessageFor(int i, long baseTimestamp) => new()
    {
        Key = Encoding.UTF8.GetBytes($"key-{i}"),
        // Varied sizes and contents so a shifted or truncated byte shows up.
        Value = Encoding.UTF8.GetBytes($"value-{i}-" + new string((char)('a' + i % 26), i % 97)),
        Timestamp = new Timestamp(baseTimestamp + i, TimestampType.CreateTime),
        Headers = new Headers { { "seq", BitConverter.GetBytes(i) }, { "parity", Encoding.UTF8.GetBytes(i % 2 == 0 ? "even" : "odd") } },
    };
}
