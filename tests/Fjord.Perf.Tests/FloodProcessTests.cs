using Confluent.Kafka;
using Fjord.Perf.Cluster;
using Fjord.Perf.NoisyNeighbour;
using Fjord.Testing;

namespace Fjord.Perf.Tests;

/// <summary>Tenant A's flood in a child process, against librdkafka's mock cluster (its listener is a real loopback port).</summary>
public sealed class FloodProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheChildFloodsReportsItsCountersAndStopsWhenToldLeavingNoConfigBehind()
    {
        using var cluster = new ClusterTarget(null, UseMockCluster: true).Connect(Timeout);
        cluster.CreateTopic("flood", 2, 1, Timeout);
        var config = new ProducerConfig { BootstrapServers = cluster.BootstrapServers, Acks = Acks.All, LingerMs = 5, StatisticsIntervalMs = 1000 };
        var before = ConfigFiles();

        int pid;
        using (var flood = new FloodProcess(config, "flood", partitions: 2, recordSize: 100, recordsPerSec: 2000))
        {
            flood.Start();
            pid = flood.ProcessId;
            Assert.NotEqual(Environment.ProcessId, pid);
            Assert.Single(ConfigFiles().Except(before));

            var first = flood.Snapshot();
            await Poll.UntilAsync(() => flood.Snapshot().Delivered > first.Delivered + 100, Timeout, "the child to deliver records");
            var later = flood.Snapshot();
            Assert.True(later.Attempts >= later.Delivered, $"{later.Attempts} attempts, {later.Delivered} delivered");
            Assert.True(later.Timestamp > first.Timestamp);
            Assert.Equal(0, later.Failed);
            Assert.Null(flood.FirstError);
        }

        Assert.False(Directory.Exists($"/proc/{pid}"), $"the flood process {pid} is still running");
        Assert.Empty(ConfigFiles().Except(before));
    }

    [Fact]
    public void ASnapshotLineRoundTripsEveryCounter()
    {
        var counters = new FloodCounters(10, 3, 6, 1, new ThrottleWindow(4, 900, 400), Timestamp: 0);

        var parsed = FloodSnapshotLine.Parse(FloodSnapshotLine.From(counters, "boom").ToJson());

        Assert.Equal(counters with { Timestamp = 77 }, parsed.ToCounters(77));
        Assert.Equal("boom", parsed.FirstError);
    }

    private static string[] ConfigFiles() => Directory.GetFiles(Path.GetTempPath(), "fjord-perf-flood-*.json");
}
