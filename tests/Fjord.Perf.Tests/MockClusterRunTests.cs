using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.Consume;
using Fjord.Perf.Produce;

namespace Fjord.Perf.Tests;

/// <summary>End to end against librdkafka's in-process mock cluster: no broker, no fixed port.</summary>
public sealed class MockClusterRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void ProduceThenConsumeOnAMockClusterAccountsForEveryRecord()
    {
        using var cluster = new ClusterTarget(null, UseMockCluster: true).Connect(Timeout);
        Assert.True(cluster.IsMock);

        var produce = new ProducerPerformance(
            new ProduceOptions("perf-e2e", Partitions: 3, RecordSize: 64, NumRecords: 3_000, Acks.All,
                CompressionType.Lz4, LingerMs: 5, BatchSize: 65_536, Throughput: -1, CreateTopic: true,
                ReplicationFactor: 1, Timeout),
            cluster).Run(CancellationToken.None);

        Assert.Equal(0, produce.Failed);
        Assert.Equal(3_000, produce.Records);
        Assert.Equal(3, produce.Partitions);
        Assert.True(produce.Latency.P50Ms > 0);
        Assert.True(produce.Latency.P50Ms <= produce.Latency.P99Ms && produce.Latency.P99Ms <= produce.Latency.MaxMs);
        // A latency derived from a stale send stamp would be absurd; the whole run takes seconds.
        Assert.True(produce.Latency.MaxMs < Timeout.TotalMilliseconds);

        var consume = new ConsumerPerformance(
            new ConsumeOptions("perf-e2e", NumRecords: 3_000, Group: null, FetchMaxBytes: 1_048_576, Timeout),
            cluster.BootstrapServers).Run(CancellationToken.None);

        Assert.Equal(3_000, consume.Records);
        Assert.Equal(3_000L * 64, consume.Bytes);
        Assert.True(consume.FirstRecordMs >= 0);
    }

    [Fact]
    public void ThrottledProduceTakesAsLongAsTheTargetRateImplies()
    {
        using var cluster = new ClusterTarget(null, UseMockCluster: true).Connect(Timeout);

        var produce = new ProducerPerformance(
            new ProduceOptions("perf-throttled", Partitions: 1, RecordSize: 10, NumRecords: 500, Acks.Leader,
                CompressionType.None, LingerMs: 0, BatchSize: 16_384, Throughput: 1_000, CreateTopic: true,
                ReplicationFactor: 1, Timeout),
            cluster).Run(CancellationToken.None);

        Assert.Equal(500, produce.Records);
        // 500 records at 1000/s cannot finish in less than ~0.5 s (the first record goes at t = 0).
        Assert.True(produce.ElapsedSec >= 0.49, $"elapsed {produce.ElapsedSec} s");
    }

    [Fact]
    public void UnreachableBootstrapFailsClearlyWithinItsTimeout()
    {
        // A port that was just free: nothing listens there, so connections are refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var started = Stopwatch.StartNew();
        var ex = Assert.Throws<BrokerUnreachableException>(
            () => new ClusterTarget($"127.0.0.1:{port}", UseMockCluster: false).Connect(TimeSpan.FromSeconds(2)));

        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed}");
    }
}
