using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Fjord.Cli;
using Fjord.ControlPlane.Client.Cluster;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.ControlPlane.Tests.EndToEnd;

/// <summary>
/// The cluster status through the API and the CLI against three real brokers: healthy, then a broker stopped (its
/// partitions under-replicated), then a Blob tier that refuses uploads (lag grows) and comes back (lag drains).
/// Every test first waits for a healthy cluster and leaves one behind.
/// </summary>
public sealed class ClusterStatusEndToEndTests(ClusterStatusFixture fixture, ITestOutputHelper log) : IClassFixture<ClusterStatusFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private async Task<ClusterStatusModel> WaitForStatusAsync(Func<ClusterStatusModel, bool> condition, string what)
    {
        using var client = fixture.Client();
        ClusterStatusModel? last = null;
        try
        {
            await Poll.UntilAsync(async () => condition(last = await client.Cluster.GetStatusAsync(partitions: true)), Deadline, what);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Last status: {JsonSerializer.Serialize(last, ControlPlaneJson())}", e);
        }
        return last!;
    }

    private static JsonSerializerOptions ControlPlaneJson() => Fjord.ControlPlane.Client.ControlPlaneJson.Indented;

    private Task<ClusterStatusModel> WaitForHealthyAsync() =>
        WaitForStatusAsync(s => s.Health == ClusterHealthModel.Healthy && s.Brokers.Count == 3 && s.Brokers.All(b => b.State == BrokerStateModel.Alive && !b.StatusStale),
            "a healthy cluster of three live brokers with fresh status rows");

    private async Task<(int Code, string Output, string Error)> CliAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        string[] all = [.. args, "--api-url", fixture.BaseAddress.ToString(), "--api-key", fixture.OperatorKey];
        var code = await FjordCli.RunAsync(all, output, error, new CliEnvironment(_ => null), CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task AHealthyClusterShowsThreeLiveBrokersTheControllerAndNoUnhealthyPartition()
    {
        var topic = "healthy-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Cluster.CreateTopicAsync(topic, 3, 3);
        await fixture.Cluster.WaitForFullIsrAsync(topic, 3, Deadline);

        var status = await WaitForStatusAsync(s => s.Health == ClusterHealthModel.Healthy && s.Partitions.Total >= 3
            && s.Brokers.All(b => b.State == BrokerStateModel.Alive && !b.StatusStale) && s.Brokers.Sum(b => b.LeaderPartitions ?? 0) >= 3,
            "a healthy cluster whose status rows count the new topic's leaders");

        Assert.Equal([0, 1, 2], status.Brokers.Select(b => b.NodeId));
        Assert.Equal(0, status.Partitions.UnderReplicated);
        Assert.Equal(0, status.Partitions.Offline);
        Assert.Empty(status.UnhealthyPartitions!);
        Assert.Empty(status.Reasons);
        var controller = Assert.IsType<ControllerModel>(status.Controller);
        Assert.True(controller.Alive);
        Assert.True(controller.Epoch >= 1);
        Assert.Single(status.Brokers, b => b.IsController && b.NodeId == controller.NodeId);
        Assert.All(status.Brokers, b => Assert.StartsWith("PLAINTEXT://127.0.0.1:", b.Endpoints[0], StringComparison.Ordinal));
        Assert.Empty(status.Tier.StaleBrokers);

        var table = await CliAsync("cluster", "status");
        Assert.True(table.Code == 0, table.Error);
        Assert.Contains("Cluster: HEALTHY", table.Output, StringComparison.Ordinal);
        Assert.Contains($"Controller: broker {controller.NodeId}", table.Output, StringComparison.Ordinal);
        Assert.Contains("0 under-replicated", table.Output, StringComparison.Ordinal);

        // What one status costs through the local host: five table queries made at once (printed, not asserted).
        using (var client = fixture.Client())
        {
            var times = new List<double>();
            for (var i = 0; i < 50; i++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                await client.Cluster.GetStatusAsync(partitions: true);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            log.WriteLine($"GET v1/cluster/status?detail=partitions, {status.Partitions.Total} partitions, 3 brokers: p50 {times[24]:0.0} ms, p99 {times[49]:0.0} ms");
        }

        var json = await CliAsync("cluster", "status", "--output", "json");
        Assert.True(json.Code == 0, json.Error);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("healthy", document.RootElement.GetProperty("health").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("brokers").GetArrayLength());
    }

    [Fact]
    public async Task AStoppedBrokerShowsNotAliveAndThePartitionsItHeldUnderReplicated()
    {
        await WaitForHealthyAsync();
        var topic = "stop-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Cluster.CreateTopicAsync(topic, 3, 3);
        await fixture.Cluster.WaitForFullIsrAsync(topic, 3, Deadline);

        await fixture.Cluster.StopAsync(2);
        try
        {
            var status = await WaitForStatusAsync(s => s.Brokers.Single(b => b.NodeId == 2).State == BrokerStateModel.Fenced && s.Partitions.UnderReplicated >= 3,
                "broker 2 fenced and the new topic's partitions under-replicated");

            Assert.Equal(ClusterHealthModel.Degraded, status.Health);
            Assert.Equal(0, status.Partitions.Offline);
            Assert.True(status.Brokers.Single(b => b.NodeId == 2).StatusStale);
            Assert.Contains(2, status.Tier.StaleBrokers);
            Assert.Contains(status.Reasons, r => r.StartsWith("Broker 2 is not alive", StringComparison.Ordinal));
            var mine = status.UnhealthyPartitions!.Where(u => u.Topic == topic).ToList();
            Assert.Equal(3, mine.Count);
            Assert.All(mine, u =>
            {
                Assert.Contains(PartitionProblemModel.UnderReplicated, u.Problems);
                Assert.DoesNotContain(2, u.Isr);
                Assert.NotEqual(2, u.Leader);
            });

            var cli = await CliAsync("cluster", "status", "--partitions");
            Assert.True(cli.Code == 0, $"degraded must exit 0, got {cli.Code}: {cli.Error}");
            Assert.Contains("Cluster: DEGRADED", cli.Output, StringComparison.Ordinal);
            Assert.Contains("fenced", cli.Output, StringComparison.Ordinal);
            Assert.Contains(topic, cli.Output, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Cluster.StartAsync(2);
        }
        await WaitForHealthyAsync();
    }

    [Fact]
    public async Task UploadLagGrowsWhileBlobStorageRefusesAndDrainsOnceItAcceptsAgain()
    {
        await WaitForHealthyAsync();
        var topic = "tiered-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Cluster.CreateTopicAsync(topic, 1, 3, new Dictionary<string, string>
        {
            ["remote.storage.enable"] = "true",
            ["segment.bytes"] = "65536",
            ["retention.ms"] = "-1",
        });
        await fixture.Cluster.WaitForFullIsrAsync(topic, 1, Deadline);

        fixture.BlobProxy.Block();
        try
        {
            // Batches of a few KiB, well under segment.bytes: ~300 KiB rolls four or five segments.
            var config = new ProducerConfig { BootstrapServers = fixture.Cluster.BootstrapServers, Acks = Acks.All, LingerMs = 5, BatchSize = 4096 };
            using (var producer = new ProducerBuilder<Null, byte[]>(config).Build())
            {
                var value = new byte[1000];
                var sends = Enumerable.Range(0, 300).Select(_ => producer.ProduceAsync(topic, new Message<Null, byte[]> { Value = value })).ToList();
                var results = await Task.WhenAll(sends);
                Assert.All(results, r => Assert.Equal(PersistenceStatus.Persisted, r.Status));
            }

            var lagging = await WaitForStatusAsync(s => s.Tier.Segments >= 2 && s.Tier.FailingPartitions >= 1,
                "closed segments waiting for Blob and the uploads failing");
            Assert.True(lagging.Tier.Bytes > 0);
            Assert.NotNull(lagging.Tier.LastErrorKind);
            Assert.NotNull(lagging.Tier.OldestWaitingSeconds);
            Assert.Equal(ClusterHealthModel.Degraded, lagging.Health);
            Assert.Contains(lagging.Reasons, r => r.StartsWith("Blob uploads are failing", StringComparison.Ordinal));
            var leader = Assert.Single(lagging.Brokers, b => b.TierLag is { Segments: >= 2 });
            Assert.True(leader.TierLag!.FailingPartitions >= 1);
        }
        finally
        {
            fixture.BlobProxy.Unblock();
        }

        var drained = await WaitForStatusAsync(s => s.Tier.Segments == 0 && s.Tier.FailingPartitions == 0 && s.Health == ClusterHealthModel.Healthy,
            "the backlog uploaded once Blob storage accepts again");
        Assert.Equal(0, drained.Tier.Bytes);
        Assert.Null(drained.Tier.OldestWaitingSeconds);
    }
}
