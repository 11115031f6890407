using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Cluster;

/// <summary>
/// Issue 4, "what must be shown" 1: brokers as processes, killed with SIGKILL, restarted, paused,
/// while a producer with acks=all keeps writing; nothing acknowledged may be lost on any replica.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class FailoverTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int Messages = 200_000;

    /// <summary>Spreads the 200,000 messages over about 40 s, so every fault below lands while writes are in flight.</summary>
    private const int MessagesPerSecond = 5_000;

    /// <summary>Acknowledgements that prove writes go on after a fault.</summary>
    private const int Progress = 2_000;
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProgressTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task AcknowledgedWritesSurviveLeaderKillRestartControllerKillAndPausedFollower(int partitions)
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3));
        const string topic = "survivor";
        try
        {
            await cluster.CreateTopicAsync(topic, partitions, 3, new() { ["min.insync.replicas"] = "2" });
            await cluster.WaitForFullIsrAsync(topic, partitions, FailoverTimeout);

            using var producer = new AckingProducer(cluster.BootstrapServers, topic, partitions, "m", messagesPerSecond: MessagesPerSecond);
            producer.Start(Messages);

            // 1. Kill partition 0's leader; the controller must elect another from the ISR.
            await producer.WaitForAcksAsync(Messages / 10, ProgressTimeout, "before the leader kill");
            var leader = (await cluster.PartitionStateAsync(topic, 0))!.Leader;
            output.WriteLine($"killing leader {leader} at {producer.Acked} acks");
            await cluster.KillAsync(leader);
            var afterKill = await cluster.WaitForPartitionAsync(topic, 0, s => s.Leader >= 0 && s.Leader != leader, FailoverTimeout,
                $"a new leader after killing {leader}");
            output.WriteLine($"new leader: {FjordTestCluster.Describe(afterKill)}");
            await producer.WaitForAcksAsync(producer.Acked + Progress, ProgressTimeout, "on the new leader");

            // 2. Restart it on the same data: it must truncate what it alone had and rejoin the ISR.
            await cluster.RestartAsync(leader);
            await cluster.WaitForPartitionAsync(topic, 0, s => s.Isr.Contains(leader), ProgressTimeout, $"restarted broker {leader} back in the ISR");
            await producer.WaitForAcksAsync(producer.Acked + Progress, ProgressTimeout, "after the restart");

            // 3. Kill the controller; another broker must take the lease, then the old one returns.
            var controller = (await cluster.ControllerAsync())!;
            output.WriteLine($"killing controller {controller.ControllerId} (epoch {controller.Epoch}) at {producer.Acked} acks");
            await cluster.KillAsync(controller.ControllerId);
            var newController = await cluster.WaitForControllerAsync(c => c.Epoch > controller.Epoch && c.ControllerId != controller.ControllerId,
                FailoverTimeout, $"a controller other than {controller.ControllerId}");
            output.WriteLine($"new controller {newController.ControllerId} epoch {newController.Epoch}");
            await producer.WaitForAcksAsync(producer.Acked + Progress, ProgressTimeout, "after the controller kill");
            await cluster.RestartAsync(controller.ControllerId);
            await cluster.WaitForFullIsrAsync(topic, partitions, ProgressTimeout);

            // 4. Freeze a follower of partition 0 past replica.lag.time.max.ms, then let it go on.
            var current = (await cluster.PartitionStateAsync(topic, 0))!;
            // A follower that is not the controller, when there is one: this step is about replication, not control.
            var controllerNow = (await cluster.ControllerAsync())?.ControllerId;
            var follower = current.Replicas.Where(r => r != current.Leader).OrderBy(r => r == controllerNow).First();
            output.WriteLine($"pausing follower {follower} at {producer.Acked} acks; {FjordTestCluster.Describe(current)}");
            cluster.Pause(follower);
            // Frozen until the leader drops it from the ISR (replica.lag.time.max.ms), and writes go on without it.
            await cluster.WaitForPartitionAsync(topic, 0, s => !s.Isr.Contains(follower), FailoverTimeout, $"paused follower {follower} out of the ISR");
            await producer.WaitForAcksAsync(producer.Acked + Progress, ProgressTimeout, "with the follower paused (min.insync.replicas 2)");
            cluster.Resume(follower);
            output.WriteLine($"resumed follower {follower}; {producer.Sent} of {Messages} sent so far");

            await producer.Sending.WaitAsync(TimeSpan.FromSeconds(120));
            await producer.FinishAsync(TimeSpan.FromSeconds(120));
            output.WriteLine(producer.Summary());
            Assert.True(producer.Collisions.Count == 0, "offsets acknowledged twice: " + string.Join("; ", producer.Collisions));

            await ClusterAssertions.AcknowledgedWritesAreOnEveryReplicaAsync(cluster, topic, partitions, producer.Acknowledged, ProgressTimeout);
            var duplicated = ClusterAssertions.AcknowledgedWritesAreReadable(cluster, topic, partitions, producer.Acknowledged);
            output.WriteLine($"{duplicated} values appear more than once (retries without idempotence)");
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
