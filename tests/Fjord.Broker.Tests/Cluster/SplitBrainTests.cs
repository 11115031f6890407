using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Issue 4, "what must be shown" 2: a leader cut off from Table storage is deposed by the rest of
/// the cluster while it still believes it leads. It must never acknowledge an acks=all write the new
/// leader lacks: its ISR cannot shrink without a compare-and-swap on the partition row, and the
/// followers now fetch from the new leader, so its high watermark stops.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class SplitBrainTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(45);

    /// <summary>How long the deposed leader is left cut off and still receiving writes (from the pinned producer), well past replica.lag.time.max.ms.</summary>
    private static readonly TimeSpan Exposure = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task DeposedLeaderCutOffFromTableStorageNeverAcknowledgesWhatTheNewLeaderLacks()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3));
        const string topic = "deposed";
        try
        {
            await cluster.CreateTopicAsync(topic, 1, 3, new() { ["min.insync.replicas"] = "2" });
            var before = (await cluster.WaitForPartitionAsync(topic, 0, s => s.Leader >= 0 && s.Isr.Count == 3, Timeout, "a leader and a full ISR"));
            var oldLeader = before.Leader;
            var controller = (await cluster.ControllerAsync())!;
            // If the leader is also the controller, cutting it off moves the controller too: a harder case, accepted.
            output.WriteLine($"leader {oldLeader}, controller {controller.ControllerId}: {FjordTestCluster.Describe(before)}");

            // One producer knows only the old leader; another knows everyone and follows the new leader,
            // so the old leader's unreplicated suffix and the new leader's log diverge at the same offsets.
            using var stale = new AckingProducer(cluster[oldLeader].BootstrapServers, topic, 1, "stale",
                c => { c.RequestTimeoutMs = 5000; c.MessageTimeoutMs = 60_000; }, messagesPerSecond: 3_000);
            using var fresh = new AckingProducer(cluster.BootstrapServers, topic, 1, "fresh", messagesPerSecond: 3_000);
            await using var pinned = new PinnedProducer(cluster[oldLeader].BootstrapServers, topic, "pinned");
            stale.Start(1_000_000);
            fresh.Start(1_000_000);
            pinned.Start();
            await stale.WaitForAcksAsync(5_000, Timeout, "before the cut");
            await fresh.WaitForAcksAsync(5_000, Timeout, "before the cut");

            cluster.BlockStorage(oldLeader);
            var ackedAtCut = stale.Acked;
            output.WriteLine($"cut broker {oldLeader} off from Table storage at {ackedAtCut} stale acks");
            var after = await cluster.WaitForPartitionAsync(topic, 0, s => s.Leader >= 0 && s.Leader != oldLeader && s.LeaderEpoch > before.LeaderEpoch,
                Timeout, $"a new leader after cutting {oldLeader} off");
            output.WriteLine($"new leader: {FjordTestCluster.Describe(after)}");
            await fresh.WaitForAcksAsync(fresh.Acked + 5_000, Timeout, "on the new leader");
            // The fault's duration, not a wait for a state: the deposed leader keeps receiving writes this long.
            await Task.Delay(Exposure);
            output.WriteLine($"while cut off: stale acks {stale.Acked} (at cut {ackedAtCut}), fresh acks {fresh.Acked}; {pinned.Summary()}");

            cluster.UnblockStorage(oldLeader);
            // Back as a follower: truncated to the new leader's log and in the ISR again.
            await cluster.WaitForPartitionAsync(topic, 0, s => s.Leader != oldLeader && s.Isr.Contains(oldLeader), Timeout,
                $"broker {oldLeader} back in the ISR as a follower");
            await fresh.WaitForAcksAsync(fresh.Acked + 5_000, Timeout, "after the old leader returned");

            // Informative, not asserted: a deposed leader that refused the stale writes outright would be correct too.
            var truncations = (cluster[oldLeader].Output).Split('\n').Where(l => l.Contains($"{topic}-0: truncating", StringComparison.Ordinal));
            output.WriteLine("old leader's truncations: " + string.Join(" | ", truncations));

            await pinned.StopAsync();
            output.WriteLine(pinned.Summary());
            await stale.FinishAsync(TimeSpan.FromSeconds(60));
            await fresh.FinishAsync(TimeSpan.FromSeconds(60));
            output.WriteLine(stale.Summary());
            output.WriteLine(fresh.Summary());
            Assert.True(stale.Collisions.Count == 0, "offsets acknowledged twice: " + string.Join("; ", stale.Collisions));
            Assert.True(fresh.Collisions.Count == 0, "offsets acknowledged twice: " + string.Join("; ", fresh.Collisions));
            var acknowledged = stale.Acknowledged.Concat(fresh.Acknowledged).Concat(pinned.Acknowledged).ToDictionary();
            Assert.True(acknowledged.Count == stale.Acknowledged.Count + fresh.Acknowledged.Count + pinned.Acknowledged.Count,
                "two producers were acknowledged at the same offset: one acknowledged write overwrote another");

            await ClusterAssertions.AcknowledgedWritesAreOnEveryReplicaAsync(cluster, topic, 1, acknowledged, Timeout);
            ClusterAssertions.AcknowledgedWritesAreReadable(cluster, topic, 1, acknowledged);
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
