using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// A real Confluent.Kafka consumer with consumer_byte_rate on its client id: after the first window's allowance it
/// gets the quota's worth, its throttled fetches come back empty (Kafka's way) without upsetting it, and nothing is
/// lost: it reads every record in the end.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ConsumerByteRateTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClientId = "quota-consumer";
    private const double Quota = 256 * 1024;
    private const int Records = 4096;
    private const int RecordBytes = 1000;

    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AConsumerOverItsByteRateIsSlowedToItsQuotaAndMissesNothing()
    {
        const string topic = "quota-consume";
        await KafkaClients.CreateTopicAsync(_cluster.BootstrapServers, topic, 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_cluster.BootstrapServers, Acks.Leader)))
        {
            for (var i = 0; i < Records; i++) producer.Produce(topic, new Message<byte[], byte[]> { Value = new byte[RecordBytes] });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }
        await using (var raw = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers))
        {
            var altered = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
            {
                Entries = [new() { Entity = [new() { EntityType = "client-id", EntityName = ClientId }], Ops = [new() { Key = "consumer_byte_rate", Value = Quota }] }],
            }, 1);
            Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
        }

        using var consumer = KafkaClients.Consumer(_cluster.BootstrapServers, c =>
        {
            c.ClientId = ClientId;
            c.MessageMaxBytes = 64 * 1024;
            c.FetchMaxBytes = 64 * 1024;
            c.MaxPartitionFetchBytes = 64 * 1024;
        });
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var clock = Stopwatch.StartNew();
        long bytesAt5s = -1, bytes = 0, count = 0;
        while (count < Records && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (clock.Elapsed >= TimeSpan.FromSeconds(5) && bytesAt5s < 0) bytesAt5s = bytes;
            if (record is null) continue;
            bytes += record.Message.Value.Length;
            count++;
        }
        output.WriteLine($"{bytesAt5s / 1024} KiB in 5 s, all {count} records after {clock.Elapsed.TotalSeconds:F1} s against {Quota / 1024:F0} KiB/s");

        // The first window allows up to ten seconds' worth at once, and then the quota holds: far from all 4 MB in 5 s.
        // (Less than ten: a throttled fetch comes back empty, and its wait is for bytes it did not get.)
        Assert.InRange(bytesAt5s, (long)(Quota * 5), (long)(Quota * 12));
        Assert.Equal(Records, count);
        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(10), $"all records in {clock.Elapsed}");
        var usage = Assert.Single(_cluster.InProcess().Quotas!.Usage(), u => u.QuotaKey == "consumer_byte_rate");
        Assert.True(usage.Throttles > 0);
    }
}
