using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

/// <summary>
/// Producer ids in a cluster of two brokers: each broker hands out ids from its own block of the
/// shared counter, so the two never collide; and a librdkafka producer with enable.idempotence=true
/// gets its id and writes records that read back complete and in order.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class IdempotentProducerTests(IdempotentProducerTests.TwoBrokers fixture) : IClassFixture<IdempotentProducerTests.TwoBrokers>
{
    private const int BlockSize = 1000;

    private FjordTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task TwoBrokersOfOneClusterHandOutDisjointProducerIdsFromTheirOwnBlocks()
    {
        await using var toFirst = await RawKafkaClient.ConnectAsync(Cluster[0].BootstrapServers);
        await using var toSecond = await RawKafkaClient.ConnectAsync(Cluster[1].BootstrapServers);

        var first = new List<long>();
        var second = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            // Interleaved, at every version, so both brokers hold a claimed block at once.
            var version = (short)(i % 6);
            first.Add(await InitProducerIdAsync(toFirst, version));
            second.Add(await InitProducerIdAsync(toSecond, version));
        }

        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Equal(second.Count, second.Distinct().Count());
        Assert.Empty(first.Intersect(second));
        // Each broker serves from one block of the counter; the blocks differ.
        var firstBlock = Assert.Single(first.Select(id => id / BlockSize).Distinct());
        var secondBlock = Assert.Single(second.Select(id => id / BlockSize).Distinct());
        Assert.NotEqual(firstBlock, secondBlock);
    }

    [Fact]
    public async Task AnIdempotentConfluentProducerWritesRecordsThatReadBackCompleteAndInOrder()
    {
        const string Topic = "idempotent-confluent";
        const int Partitions = 3;
        const int Messages = 3_000;
        await Cluster.CreateTopicAsync(Topic, Partitions, replicationFactor: 2);
        await Cluster.WaitForFullIsrAsync(Topic, Partitions, TimeSpan.FromSeconds(60));

        var config = KafkaClients.ProducerConfig(Cluster.BootstrapServers);
        config.EnableIdempotence = true;
        var errors = new List<string>();
        using (var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetErrorHandler((_, e) => { lock (errors) errors.Add(e.ToString()); })
            .SetLogHandler((_, _) => { })
            .Build())
        {
            var failures = 0;
            for (var i = 0; i < Messages; i++)
            {
                var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes($"v{i}") };
                producer.Produce(new TopicPartition(Topic, i % Partitions), message, r => { if (r.Error.IsError) Interlocked.Increment(ref failures); });
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
            Assert.Equal(0, failures);
        }
        Assert.DoesNotContain(errors, e => e.Contains("fatal", StringComparison.OrdinalIgnoreCase) || e.Contains("Idempotent", StringComparison.Ordinal));

        var read = KafkaClients.ReadAll(Cluster.BootstrapServers, Topic, Partitions, p => Messages / Partitions, TimeSpan.FromSeconds(60));
        for (var p = 0; p < Partitions; p++)
        {
            var values = read[p].Select(r => Encoding.UTF8.GetString(r.Message.Value)).ToList();
            Assert.Equal(Enumerable.Range(0, Messages / Partitions).Select(j => $"v{j * Partitions + p}"), values);
            Assert.Equal(Enumerable.Range(0, Messages / Partitions).Select(j => (long)j), read[p].Select(r => r.Offset.Value));
        }
    }

    private static async Task<long> InitProducerIdAsync(RawKafkaClient client, short version)
    {
        var response = await client.SendAsync<InitProducerIdResponse>(new InitProducerIdRequest { TransactionalId = null }, version);
        Assert.Equal((short)Fjord.Protocol.ErrorCode.None, response.ErrorCode);
        Assert.Equal(0, response.ProducerEpoch);
        return response.ProducerId;
    }

    public sealed class TwoBrokers(AzuriteFixture azurite) : FjordTestClusterFixture
    {
        protected override FjordTestClusterOptions Options => new() { Azurite = azurite.Host, Brokers = 2 };
    }
}
