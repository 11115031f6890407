using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// A real Confluent.Kafka producer against a real broker, with producer_byte_rate set over the wire on its
/// (user, client-id): it is told to slow down (throttle_time_ms shows in librdkafka's statistics), nothing fails,
/// and what it gets through in ten seconds is the quota's worth, give or take 15%.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ProducerByteRateTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClientId = "quota-e2e";
    private const double Quota = 1024 * 1024;
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(10);

    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AProducerOverItsByteRateIsThrottledToItsQuotaWithoutErrors()
    {
        await using (var raw = await RawKafkaClient.ConnectAsync(_cluster.BootstrapServers))
        {
            var altered = await raw.SendAsync<AlterClientQuotasResponse>(new AlterClientQuotasRequest
            {
                Entries =
                [
                    new()
                    {
                        Entity = [new() { EntityType = "user", EntityName = "ANONYMOUS" }, new() { EntityType = "client-id", EntityName = ClientId }],
                        Ops = [new() { Key = "producer_byte_rate", Value = Quota }],
                    },
                ],
            }, 1);
            Assert.Equal(0, Assert.Single(altered.Entries).ErrorCode);
            var described = await raw.SendAsync<DescribeClientQuotasResponse>(new DescribeClientQuotasRequest
            {
                Components = [new() { EntityType = "client-id", MatchType = 0, Match = ClientId }],
            }, 1);
            Assert.Equal(Quota, Assert.Single(Assert.Single(described.Entries!).Values).Value);
        }
        const string topic = "quota-e2e";
        await KafkaClients.CreateTopicAsync(_cluster.BootstrapServers, topic, 1);

        var config = KafkaClients.ProducerConfig(_cluster.BootstrapServers, Acks.Leader);
        config.ClientId = ClientId;
        config.BatchSize = 8 * 1024;
        config.QueueBufferingMaxKbytes = 1024;
        config.StatisticsIntervalMs = 500;
        var maxThrottleMs = 0L;
        var failures = 0;
        var delivered = 0L;
        var value = new byte[1000];
        var clock = Stopwatch.StartNew();
        using (var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .SetStatisticsHandler((_, json) => Interlocked.Exchange(ref maxThrottleMs, Math.Max(Interlocked.Read(ref maxThrottleMs), MaxThrottle(json))))
            .Build())
        {
            while (clock.Elapsed < Run)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Value = value }, report =>
                    {
                        if (report.Error.IsError) Interlocked.Increment(ref failures);
                        else if (clock.Elapsed <= Run) Interlocked.Add(ref delivered, value.Length);
                    });
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
            // One more statistics report after the run, so a throttle of the last requests is seen too.
            await Poll.UntilAsync(() => Interlocked.Read(ref maxThrottleMs) > 0, TimeSpan.FromSeconds(10), "a throttle time in the producer's statistics");
        }

        var rate = Interlocked.Read(ref delivered) / Run.TotalSeconds;
        output.WriteLine($"{rate / 1024:F0} KiB/s against a quota of {Quota / 1024:F0} KiB/s; largest throttle {Interlocked.Read(ref maxThrottleMs)} ms");
        Assert.Equal(0, failures);
        Assert.InRange(rate, Quota * 0.85, Quota * 1.15);
        var usage = Assert.Single(_cluster.InProcess().Quotas!.Usage(), u => u.ClientId == ClientId && u.QuotaKey == "producer_byte_rate");
        Assert.Equal("{client-id=quota-e2e, user=ANONYMOUS}", usage.Entity);
        Assert.True(usage.Throttles > 0);
    }

    /// <summary>The largest throttle any broker reported in one librdkafka statistics document.</summary>
    private static long MaxThrottle(string json)
    {
        using var document = JsonDocument.Parse(json);
        var max = 0L;
        foreach (var broker in document.RootElement.GetProperty("brokers").EnumerateObject())
            if (broker.Value.TryGetProperty("throttle", out var throttle) && throttle.TryGetProperty("max", out var value))
                max = Math.Max(max, value.GetInt64());
        return max;
    }
}
