using System.Globalization;
using Fjord.Broker.Tests.Cluster;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Testing;
using Xunit.Abstractions;

namespace Fjord.Broker.Tests.Idempotence;

/// <summary>
/// Issue 13, "what must be shown" 3: the producer state outlives the broker process. After kill -9
/// (rebuilt from snapshots and the log), after a clean stop (the snapshot written at shutdown), and
/// on a new leader after failover (followers build producer state from what they replicate), a retry
/// of an already written batch is still answered with its original offset and the next sequence is
/// appended right after.
/// </summary>
[Collection(BrokerCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class ProducerStateRecoveryTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private const int RecordsPerBatch = 5;

    /// <summary>Batches before the restart: enough to roll <see cref="SmallSegmentBytes"/> segments a few times.</summary>
    private const int Batches = 7;

    /// <summary>About two of the test's batches (some 120 bytes each) per segment.</summary>
    private const int SmallSegmentBytes = 256;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ARetryAfterTheBrokerRestartsIsStillDeduplicated(bool killed)
    {
        await using var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Azurite = azurite.Host,
            Hosting = BrokerHosting.ChildProcess,
        });
        var topic = killed ? "idem-killed" : "idem-stopped";
        try
        {
            // Small segments, so the log has rolled a few times before the broker goes down: the state must come back
            // from whatever the broker keeps at a roll (Kafka: a .snapshot per segment) plus the batches after it.
            await cluster.CreateTopicAsync(topic, 1, 1, new() { ["segment.bytes"] = SmallSegmentBytes.ToString(CultureInfo.InvariantCulture) });
            var batches = Enumerable.Range(0, Batches).Select(b => IdempotentBatches.Build(epoch: 0, baseSequence: b * RecordsPerBatch, RecordsPerBatch, "r")).ToArray();
            await using (var client = await RawKafkaClient.ConnectAsync(cluster.BootstrapServers))
            {
                for (var b = 0; b < batches.Length; b++)
                    Assert.Equal(b * RecordsPerBatch, await RawScenario.AppendAsync(client, topic, 0, batches[b]));
            }

            var segments = Directory.GetFiles(ReplicaLogFiles.PartitionDirectory(cluster[0].LogDir, topic, 0), "*.log").Length;
            output.WriteLine($"{segments} segments before the {(killed ? "kill" : "stop")}");
            Assert.True(segments > 1, $"the log never rolled ({segments} segment): the test would not cover state kept at a roll");

            if (killed)
                await cluster.KillAsync(0);
            else
                await cluster.StopAsync(0);
            await cluster.StartAsync(0);
            await IdempotentBatches.WaitUntilLeaderAsync(cluster.BootstrapServers, topic, 0, Timeout);

            // The last batch, as a producer retries it when the response was lost with the process. Only the last one:
            // Kafka's snapshot keeps one batch per producer (last_sequence, last_offset, offset_delta in
            // ProducerStateManager's snapshot schema), so after a clean restart an older retry is out of order, not a duplicate.
            var lastOffset = (Batches - 1) * RecordsPerBatch;
            var retry = await IdempotentBatches.ProduceWithRetriesAsync(cluster.BootstrapServers, topic, 0, batches[^1], Timeout);
            Assert.True(retry.ErrorCode == 0, $"retry after the restart: error {retry.ErrorCode}");
            Assert.True(retry.BaseOffset == lastOffset,
                $"the retried last batch was answered with offset {retry.BaseOffset}, it was written at {lastOffset}: the restart forgot the producer");

            var next = await IdempotentBatches.ProduceWithRetriesAsync(cluster.BootstrapServers, topic, 0,
                IdempotentBatches.Build(epoch: 0, baseSequence: Batches * RecordsPerBatch, RecordsPerBatch, "r"), Timeout);
            Assert.Equal(0, next.ErrorCode);
            Assert.Equal(Batches * RecordsPerBatch, next.BaseOffset);
            Assert.Equal((Batches + 1) * RecordsPerBatch, cluster.HighWatermark(topic, 0));
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    [Fact]
    public async Task ARetryToTheNewLeaderAfterTheOldOneWasKilledIsDeduplicated()
    {
        await using var cluster = await FjordTestCluster.StartAsync(FjordTestClusterOptions.FaultTolerant(azurite.Host, 3));
        const string topic = "idem-failover";
        try
        {
            await cluster.CreateTopicAsync(topic, 1, 3, new() { ["min.insync.replicas"] = "2" });
            await cluster.WaitForFullIsrAsync(topic, 1, Timeout);
            var before = (await cluster.PartitionStateAsync(topic, 0))!;
            var leader = cluster[before.Leader];
            await IdempotentBatches.WaitUntilLeaderAsync(leader.BootstrapServers, topic, 0, Timeout);

            var first = IdempotentBatches.Build(epoch: 0, baseSequence: 0, RecordsPerBatch, "f");
            var second = IdempotentBatches.Build(epoch: 0, baseSequence: RecordsPerBatch, RecordsPerBatch, "f");
            Assert.Equal(0, (await IdempotentBatches.ProduceWithRetriesAsync(leader.BootstrapServers, topic, 0, first, Timeout)).BaseOffset);
            var written = await IdempotentBatches.ProduceWithRetriesAsync(leader.BootstrapServers, topic, 0, second, Timeout);
            Assert.Equal(0, written.ErrorCode);
            Assert.Equal(RecordsPerBatch, written.BaseOffset);

            // acks=all answered, so the ISR has both batches; wait until each replica's own files show it.
            await Poll.UntilAsync(() => before.Replicas.All(r => LastOffset(cluster, r, topic) == 2 * RecordsPerBatch - 1), Timeout,
                "every replica to hold both batches");

            output.WriteLine($"killing leader {before.Leader}; {FjordTestCluster.Describe(before)}");
            await cluster.KillAsync(before.Leader);
            var after = await cluster.WaitForPartitionAsync(topic, 0, s => s.Leader >= 0 && s.Leader != before.Leader, Timeout,
                $"a new leader after killing {before.Leader}");
            output.WriteLine($"new leader: {FjordTestCluster.Describe(after)}");
            var newLeader = cluster[after.Leader];
            await IdempotentBatches.WaitUntilLeaderAsync(newLeader.BootstrapServers, topic, 0, Timeout);

            // The producer never saw the answer to the second batch (the leader died) and retries it on the new leader.
            var retried = await IdempotentBatches.ProduceWithRetriesAsync(newLeader.BootstrapServers, topic, 0, second, Timeout);
            Assert.True(retried.ErrorCode == 0, $"retry on the new leader: error {retried.ErrorCode}");
            Assert.True(retried.BaseOffset == RecordsPerBatch,
                $"the retry was answered with offset {retried.BaseOffset}, the batch was written at {RecordsPerBatch}: the follower kept no producer state");

            var next = await IdempotentBatches.ProduceWithRetriesAsync(newLeader.BootstrapServers, topic, 0,
                IdempotentBatches.Build(epoch: 0, baseSequence: 2 * RecordsPerBatch, RecordsPerBatch, "f"), Timeout);
            Assert.Equal(0, next.ErrorCode);
            Assert.Equal(2 * RecordsPerBatch, next.BaseOffset);
            await using var client = await RawKafkaClient.ConnectAsync(newLeader.BootstrapServers);
            Assert.Equal(3 * RecordsPerBatch, await IdempotentBatches.LogEndOffsetAsync(client, topic, 0));
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }

    /// <summary>The last offset in a replica's segment files, -1 when it holds none.</summary>
    private static long LastOffset(FjordTestCluster cluster, int replica, string topic)
    {
        try
        {
            var batches = ReplicaLogFiles.ReadBatches(cluster[replica].LogDir, topic, 0);
            return batches.Count == 0 ? -1 : batches[^1].LastOffset;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // A segment being written or a directory not yet created: not there yet.
            return -1;
        }
    }
}
