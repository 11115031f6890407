using System.Diagnostics;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// A real Confluent.Kafka consumer with consumer_byte_rate on its client id, reading a backlog of more than four
/// times what the quota allows in the run: after a warm-up, what it receives over thirty seconds is the quota's worth
/// give or take 15%, it is told to slow down (librdkafka's throttle statistics, the broker's throttle count), and the
/// empty answers to its throttled fetches neither raise errors nor skip an offset.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ConsumerByteRateSustainedTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClientId = "quota-consumer-30s";
    private const double Quota = 256 * 1024;
    private const int RecordBytes = 1000;
    // Four times the quota for the whole measured window, beyond the warm-up's share: the consumer never runs dry.
    private const int Records = (int)(4 * Quota * 30 / RecordBytes) + 4096;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AConsumerWithFourTimesItsByteRateWaitingIsHeldToItsQuotaForThirtySecondsWithoutErrors()
    {
        const string topic = "quota-consume-30s";
        await KafkaClients.CreateTopicAsync(_cluster.BootstrapServers, topic, 1);
        var produceConfig = KafkaClients.ProducerConfig(_cluster.BootstrapServers, Acks.Leader);
        // Batches well under the consumer's fetch size: a fetch returns at least one whole batch, and a fetch much
        // larger than a second's quota would make the rate a few big steps instead of a steady flow.
        produceConfig.BatchSize = 16 * 1024;
        using (var producer = KafkaClients.Producer(produceConfig))
        {
            var value = new byte[RecordBytes];
            for (var i = 0; i < Records; i++)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Value = value });
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                    i--;
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(120)));
        }
        await using (var raw = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers))
        {
            var altered = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
            {
                Entries = [new() { Entity = [new() { EntityType = "client-id", EntityName = ClientId }], Ops = [new() { Key = "consumer_byte_rate", Value = Quota }] }],
            }, 1);
            Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
        }

        var errors = 0;
        var maxThrottleMs = new StrongBox<long>();
        var config = new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "unused-" + Guid.NewGuid().ToString("N"),
            ClientId = ClientId,
            EnableAutoCommit = false,
            MessageMaxBytes = 64 * 1024,
            FetchMaxBytes = 64 * 1024,
            MaxPartitionFetchBytes = 64 * 1024,
            StatisticsIntervalMs = 500,
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => Interlocked.Increment(ref errors))
            .SetStatisticsHandler(QuotaLoad.ThrottleRecorder(maxThrottleMs))
            .Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        long bytes = 0, next = 0, gaps = 0;
        var end = WarmUp + Window;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < end)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(50));
            if (record is null) continue;
            if (record.Offset.Value != next) gaps++;
            next = record.Offset.Value + 1;
            var at = clock.Elapsed;
            if (at >= WarmUp && at < end) bytes += record.Message.Value.Length;
        }
        await Poll.UntilAsync(() => Interlocked.Read(ref maxThrottleMs.Value) > 0, TimeSpan.FromSeconds(10), "a throttle time in the consumer's statistics");

        var rate = bytes / Window.TotalSeconds;
        var usage = Assert.Single(_cluster.InProcess().Quotas!.Usage(), u => u.QuotaKey == "consumer_byte_rate");
        output.WriteLine($"consumer_byte_rate {Quota / 1024:F0} KiB/s, backlog {(long)Records * RecordBytes / (1024 * 1024)} MiB: received {rate / 1024:F1} KiB/s " +
            $"({rate / Quota:P1} of the quota) over {Window.TotalSeconds:F0} s after {WarmUp.TotalSeconds:F0} s of warm-up, up to offset {next}; " +
            $"largest throttle {Interlocked.Read(ref maxThrottleMs.Value)} ms, broker throttled {usage.Throttles} fetches for {usage.ThrottleTimeMs} ms in all");
        Assert.Equal(0, Volatile.Read(ref errors));
        Assert.Equal(0, gaps);
        Assert.True(next < Records, "the consumer ran out of records: the backlog was too small to measure its quota");
        Assert.True(QuotaLoad.WithinTolerance(rate, Quota), $"{rate / Quota:P1} of the quota");
        Assert.True(usage.Throttles > 0);
    }
}
