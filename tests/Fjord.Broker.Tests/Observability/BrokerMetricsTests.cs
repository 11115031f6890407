using System.Diagnostics;
using Confluent.Kafka;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Observability;

/// <summary>
/// What an operator scraping a broker's <c>/metrics</c> sees: traffic per topic and request latency moving while
/// clients produce and consume, a stopped follower showing as under-replicated on its leader, and each broker
/// showing its own figures although three of them share this process.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class BrokerMetricsTests(MetricsClusterFixture fixture, ITestOutputHelper output) : IClassFixture<MetricsClusterFixture>
{
    private const int ValueBytes = 1000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private FjordTestCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task ProducingMovesTheLeadersBytesInAndProduceLatencyAndConsumingItsBytesOut()
    {
        const string topic = "metrics-traffic";
        // An fsync per message, so the log flush histogram has something to show.
        await Cluster.CreateTopicAsync(topic, partitions: 1, replicationFactor: 3, new() { ["flush.messages"] = "1" });
        await Cluster.WaitForFullIsrAsync(topic, 1, Timeout);
        var leader = (await Cluster.PartitionStateAsync(topic, 0))!.Leader;

        var before = await fixture.ScrapeAsync(leader);
        Assert.Equal(0, before.Sum(PrometheusNames.BytesIn, ("topic", topic)));
        var producesBefore = before.Sum(PrometheusNames.RequestTimeCount, ("request", "Produce"));

        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(Cluster.BootstrapServers));
        Produce(producer, topic, 0, 100);
        var during = await fixture.ScrapeAsync(leader);
        var bytesIn = during.Sum(PrometheusNames.BytesIn, ("topic", topic));
        Assert.True(bytesIn >= 100 * ValueBytes, $"bytes in after 100 records of {ValueBytes} bytes: {bytesIn}\n{during.Raw}");
        Assert.Equal(100, during.Sum(PrometheusNames.MessagesIn, ("topic", topic)));
        var produces = during.Sum(PrometheusNames.RequestTimeCount, ("request", "Produce"));
        Assert.True(produces > producesBefore, $"Produce requests {producesBefore} -> {produces}");
        Assert.True(during.Sum(PrometheusNames.RequestTimeSum, ("request", "Produce")) > 0);
        Assert.Equal(produces, during.Sum(PrometheusNames.RequestTimeBucket, ("request", "Produce"), ("le", "+Inf")));
        Assert.True(during.Sum(PrometheusNames.LogFlushTimeCount) > before.Sum(PrometheusNames.LogFlushTimeCount), during.Raw);
        // The followers replicated every byte, and that is not bytes out.
        Assert.Equal(0, during.Sum(PrometheusNames.BytesOut, ("topic", topic)));

        Produce(producer, topic, 0, 100);
        var later = await fixture.ScrapeAsync(leader);
        Assert.Equal(200, later.Sum(PrometheusNames.MessagesIn, ("topic", topic)));
        Assert.True(later.Sum(PrometheusNames.BytesIn, ("topic", topic)) >= bytesIn + 100 * ValueBytes);
        Assert.True(later.Sum(PrometheusNames.RequestTimeCount, ("request", "Produce")) > produces);

        KafkaClients.ReadAll(Cluster.BootstrapServers, topic, 1, _ => 200, Timeout);
        var consumed = await fixture.ScrapeAsync(leader);
        Assert.True(consumed.Sum(PrometheusNames.BytesOut, ("topic", topic)) >= 200 * ValueBytes, consumed.Raw);
        Assert.True(consumed.Sum(PrometheusNames.RequestTimeCount, ("request", "Fetch")) > 0);
        Assert.True(consumed.Sum(PrometheusNames.ConnectionCount) >= 1);
    }

    [Fact]
    public async Task AStoppedFollowerIsUnderReplicatedOnItsLeaderWithinTheLagTimeAndNotOnceItIsBack()
    {
        const string topic = "metrics-isr";
        await Cluster.CreateTopicAsync(topic, partitions: 1, replicationFactor: 3);
        await Cluster.WaitForFullIsrAsync(topic, 1, Timeout);
        var state = (await Cluster.PartitionStateAsync(topic, 0))!;
        var leader = state.Leader;
        var controller = (await Cluster.ControllerAsync())?.ControllerId;
        // A follower that is not the controller, so stopping it changes nothing but this partition's ISR.
        var follower = state.Replicas.Where(id => id != leader).OrderBy(id => id == controller).First();

        await Poll.UntilAsync(async () => (await fixture.ScrapeAsync(leader)).Sum(PrometheusNames.UnderReplicatedPartitions) == 0,
            Timeout, "no under-replicated partition on the leader before the stop");
        var before = await fixture.ScrapeAsync(leader);
        var shrinks = before.Sum(PrometheusNames.IsrShrinks);
        var expands = before.Sum(PrometheusNames.IsrExpands);

        await Cluster.StopAsync(follower);
        try
        {
            var stopped = Stopwatch.StartNew();
            PrometheusText? seen = null;
            // The shrink check runs every half lag time; the store's compare-and-swap and a scrape come on top.
            await Poll.UntilAsync(async () => (seen = await fixture.ScrapeAsync(leader)).Sum(PrometheusNames.UnderReplicatedPartitions) > 0,
                TimeSpan.FromMilliseconds(MetricsClusterFixture.ReplicaLagTimeMaxMs * 4), "the leader to count the stopped follower's partition as under-replicated");
            var elapsed = stopped.Elapsed;
            output.WriteLine($"under-replicated on leader {leader} {elapsed.TotalMilliseconds:0} ms after follower {follower} stopped (replica.lag.time.max.ms {MetricsClusterFixture.ReplicaLagTimeMaxMs})");
            Assert.True(seen!.Sum(PrometheusNames.IsrShrinks) > shrinks, seen.Raw);
            Assert.True(elapsed >= TimeSpan.FromMilliseconds(MetricsClusterFixture.ReplicaLagTimeMaxMs * 0.9), $"under-replicated after {elapsed}, before the lag time");
            // The gauge counts every partition the leader leads with the stopped follower (earlier tests' topics too),
            // so another partition's shrink may show first; this one's follows within the same check interval.
            await Poll.UntilAsync(async () => !(await Cluster.PartitionStateAsync(topic, 0))!.Isr.Contains(follower),
                Timeout, "the stored ISR without the stopped follower");
        }
        finally
        {
            // The other tests of this fixture need every broker, whatever happened above.
            await Cluster.StartAsync(follower);
        }

        await Poll.UntilAsync(async () =>
        {
            var back = await fixture.ScrapeAsync(leader);
            return back.Sum(PrometheusNames.UnderReplicatedPartitions) == 0 && back.Sum(PrometheusNames.IsrExpands) > expands;
        }, Timeout, "the returned follower back in the ISR: no under-replicated partition and an ISR expansion on the leader");
    }

    [Fact]
    public async Task EachBrokerShowsOnlyWhatItMeasured()
    {
        const string topic = "metrics-own";
        await Cluster.CreateTopicAsync(topic, partitions: 6, replicationFactor: 1);
        await Cluster.WaitForFullIsrAsync(topic, 6, Timeout);
        var leaders = new int[6];
        for (var p = 0; p < leaders.Length; p++) leaders[p] = (await Cluster.PartitionStateAsync(topic, p))!.Leader;

        // A different count per partition, so every broker's expected total is its own.
        using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(Cluster.BootstrapServers));
        for (var p = 0; p < leaders.Length; p++) Produce(producer, topic, p, 10 * (p + 1));

        foreach (var broker in Cluster.Brokers)
        {
            var scrape = await fixture.ScrapeAsync(broker.NodeId);
            var expected = Enumerable.Range(0, leaders.Length).Where(p => leaders[p] == broker.NodeId).Sum(p => 10 * (p + 1));
            Assert.Equal(expected, scrape.Sum(PrometheusNames.MessagesIn, ("topic", topic)));
            Assert.True(scrape.Has(PrometheusNames.TargetInfo, ("service_instance_id", broker.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture))), scrape.Raw);
        }
    }

    /// <summary>Records of <see cref="ValueBytes"/> bytes each, all acknowledged (acks=all) before it returns.</summary>
    private static void Produce(IProducer<byte[], byte[]> producer, string topic, int partition, int count)
    {
        var value = new byte[ValueBytes];
        var failures = 0;
        for (var i = 0; i < count; i++)
            producer.Produce(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Value = value }, r => { if (r.Error.IsError) Interlocked.Increment(ref failures); });
        Assert.Equal(0, producer.Flush(Timeout));
        Assert.Equal(0, failures);
    }
}
