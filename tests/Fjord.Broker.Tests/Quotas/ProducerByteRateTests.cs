using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Quotas;

/// <summary>
/// A real Confluent.Kafka producer against a real broker, with producer_byte_rate set over the wire on its
/// (user, client-id), offering four times its quota for thirty seconds after a warm-up: it is told to slow down
/// (throttle_time_ms shows in librdkafka's statistics, and the broker counts its throttles), nothing fails, and what
/// is acked over the thirty seconds is the quota's worth, give or take 15%.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ProducerByteRateTests(AzuriteFixture azurite, ITestOutputHelper output) : IAsyncLifetime
{
    private const string ClientId = "quota-e2e";
    private const double Quota = 512 * 1024;
    private const int RecordBytes = 1000;
    // Long enough for the first window's burst allowance (ten seconds' worth at once) to be paid back.
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private FjordTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string>
    {
        ["fjord.quota.table"] = FjordTestCluster.NewTableName(),
    });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task AProducerAtFourTimesItsByteRateIsHeldToItsQuotaForThirtySecondsWithoutErrors()
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
        config.BatchSize = 16 * 1024;
        config.QueueBufferingMaxKbytes = 512;
        config.StatisticsIntervalMs = 500;
        var maxThrottleMs = new StrongBox<long>();
        QuotaLoad.ProduceResult result;
        using (var producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, _) => { })
            .SetStatisticsHandler(QuotaLoad.ThrottleRecorder(maxThrottleMs))
            .Build())
        {
            result = await Task.Run(() => QuotaLoad.ProducePaced(producer, [new TopicPartition(topic, 0)], RecordBytes, 4 * Quota, WarmUp, Window));
            // One more statistics report after the run, so a throttle of the last requests is seen too.
            await Poll.UntilAsync(() => Interlocked.Read(ref maxThrottleMs.Value) > 0, TimeSpan.FromSeconds(10), "a throttle time in the producer's statistics");
        }

        var rate = result.AckedBytes / Window.TotalSeconds;
        var usage = Assert.Single(_cluster.InProcess().Quotas!.Usage(), u => u.ClientId == ClientId && u.QuotaKey == "producer_byte_rate");
        output.WriteLine($"producer_byte_rate {Quota / 1024:F0} KiB/s, offered {4 * Quota / 1024:F0} KiB/s: acked {rate / 1024:F1} KiB/s " +
            $"({rate / Quota:P1} of the quota) over {Window.TotalSeconds:F0} s after {WarmUp.TotalSeconds:F0} s of warm-up; " +
            $"largest throttle {Interlocked.Read(ref maxThrottleMs.Value)} ms, broker throttled {usage.Throttles} responses for {usage.ThrottleTimeMs} ms in all");
        Assert.Equal(0, result.Failures);
        Assert.True(QuotaLoad.WithinTolerance(rate, Quota), $"{rate / Quota:P1} of the quota");
        Assert.Equal("{client-id=quota-e2e, user=ANONYMOUS}", usage.Entity);
        Assert.True(usage.Throttles > 0);
    }
}
