using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;
using Fjord.Tiering;

namespace Fjord.Broker.Tests.Tiering;

/// <summary>
/// A broker whose data directory is wiped comes back without copying history: the manifest says
/// where the uploaded part ends, the replica's local log restarts there, and the uploaded part is
/// served from Blob storage. Nothing is uploaded twice.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TierReplacementTests(AzuriteFixture azurite)
{
    private const int Messages = 60_000;

    private static readonly Dictionary<string, string> TopicConfigs = new()
    {
        ["remote.storage.enable"] = "true",
        ["segment.bytes"] = "1048576",
        ["local.retention.bytes"] = "2097152",
        ["retention.ms"] = "-1",
    };

    [Fact]
    public async Task AWipedSingleReplicaComesBackWithTheUploadedPartFromBlobAndUploadsNothingAgain()
    {
        await using var cluster = await FjordTestCluster.StartAsync(azurite.Host, new Dictionary<string, string> { ["remote.log.manager.task.interval.ms"] = "200" });
        var host = cluster.InProcess();
        const string topic = "wiped-single";
        await KafkaClients.CreateTopicAsync(cluster.BootstrapServers, topic, 1, TopicConfigs);
        // Idempotent, so the partition holds producer state that the tier must carry back.
        Produce(cluster.BootstrapServers, topic, 0, Messages, idempotent: true);
        var log = host.Replicas.GetHosted(topic, 0)!.Log;
        await Poll.UntilAsync(() => log.LocalLogStartOffset > Messages / 3, TimeSpan.FromSeconds(120), "most of the log to move to Blob storage");
        var before = await FinishedEntriesAsync(log.TopicId);
        var uploadedEnd = before.Max(e => e.EndOffset);
        await cluster.StopAsync(0);

        // The disk is lost; the broker comes back with the same id, table and Blob container.
        host.WipeData();
        await cluster.StartAsync(0);

        var replica = await Poll.UntilAsync(() => host.Replicas.GetHosted(topic, 0) is { IsLeader: true, AwaitingRemoteTier: false } p ? p : null,
            TimeSpan.FromSeconds(60), "the wiped replica to lead again");
        Assert.Equal(0, replica.Log.LogStartOffset);
        Assert.Equal(uploadedEnd + 1, replica.Log.LocalLogStartOffset);
        Assert.Equal(uploadedEnd + 1, replica.Log.LogEndOffset);
        // The producer state came back from the snapshot uploaded with the last segment: one producer wrote
        // every record, its sequences equal to their offsets, so its last sequence is the tier's last offset.
        var producerState = Assert.Single(replica.Log.ActiveProducers);
        Assert.Equal(uploadedEnd, producerState.LastSequence);

        // New writes continue after the uploaded part; the lost hot tail (one replica, its disk gone) is not invented.
        Produce(cluster.BootstrapServers, topic, (int)uploadedEnd + 1, 1_000);
        var total = (int)uploadedEnd + 1 + 1_000;
        AssertReadsBack(cluster.BootstrapServers, topic, total);

        // Another tiering round changes nothing below the old end: no entry re-uploaded, none replaced.
        var rounds = host.Tiering!;
        await rounds.RunOnceAsync(CancellationToken.None);
        var after = await FinishedEntriesAsync(replica.Log.TopicId);
        Assert.Equal(before.Select(e => e.SegmentId).Order(), after.Where(e => e.BaseOffset <= uploadedEnd).Select(e => e.SegmentId).Order());
        AssertContiguous(after);
    }

    [Fact]
    public async Task AWipedFollowerCopiesOnlyTheHotTailAndThenServesTheWholeLogAsLeader()
    {
        const string topic = "wiped-follower";
        await using var cluster = await FjordTestCluster.StartAsync(new FjordTestClusterOptions
        {
            Brokers = 3,
            Azurite = azurite.Host,
            Settings = new Dictionary<string, string>
            {
                ["fjord.controller.tick.ms"] = "200",
                ["broker.heartbeat.interval.ms"] = "500",
                ["remote.log.manager.task.interval.ms"] = "200",
                ["offsets.topic.replication.factor"] = "1",
            },
            WaitUntilFormed = false,
        });
        var hosts = Enumerable.Range(0, 3).Select(cluster.InProcess).ToArray();
        await Poll.UntilAsync(() => hosts.All(h => h.Metadata.Current.Brokers.Count == 3), TimeSpan.FromSeconds(30), "every broker to see all three");
        var bootstrap = cluster.BootstrapServers;
        using (var admin = KafkaClients.Admin(bootstrap))
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = topic, NumPartitions = 1, ReplicationFactor = -1, ReplicasAssignments = new() { [0] = [0, 1, 2] }, Configs = TopicConfigs,
            }]);
        Produce(bootstrap, topic, 0, Messages);

        var leader = hosts[0].Replicas.GetHosted(topic, 0)!;
        Assert.True(leader.IsLeader);
        await Explained(hosts, topic, Poll.UntilAsync(() => leader.Log.LocalLogStartOffset > Messages / 3, TimeSpan.FromSeconds(120), "most of the leader's log to move to Blob storage"));
        // Followers apply the same local retention once the manifest shows the segments uploaded.
        var follower = hosts[2].Replicas.GetHosted(topic, 0)!;
        await Explained(hosts, topic, Poll.UntilAsync(() => follower.Log.LocalLogStartOffset > Messages / 4, TimeSpan.FromSeconds(60), "the follower to delete uploaded local segments"));
        Assert.Equal(0, follower.Log.LogStartOffset);
        var uploadedBefore = (await FinishedEntriesAsync(leader.Log.TopicId)).Max(e => e.EndOffset);

        // Broker 2 loses its disk.
        await cluster.StopAsync(2);
        hosts[2].WipeData();
        await cluster.StartAsync(2);
        var rebuilt = await Explained(hosts, topic, Poll.UntilAsync(() => hosts[2].Replicas.GetHosted(topic, 0) is { AwaitingRemoteTier: false } p && p.Log.LogEndOffset == Messages ? p : null,
            TimeSpan.FromSeconds(60), "the wiped follower to catch up"));
        Assert.True(rebuilt.Log.LocalLogStartOffset > uploadedBefore, $"the rebuilt follower's local log starts at {rebuilt.Log.LocalLogStartOffset}, inside the uploaded part (…{uploadedBefore})");
        Assert.Equal(0, rebuilt.Log.LogStartOffset);
        await Explained(hosts, topic, Poll.UntilAsync(() => hosts[0].Metadata.Current.PartitionStateOf(topic, 0) is { Isr.Count: 3 }, TimeSpan.FromSeconds(60), "the rebuilt follower to rejoin the ISR"));

        // The other two stop (controlled shutdown): the rebuilt replica leads and serves everything, the old part from Blob.
        var entriesBefore = await FinishedEntriesAsync(leader.Log.TopicId);
        for (var node = 0; node < 2; node++)
            await cluster.StopAsync(node);
        await Explained(hosts, topic, Poll.UntilAsync(() => rebuilt.IsLeader, TimeSpan.FromSeconds(60), "the rebuilt replica to lead"));
        AssertReadsBack(hosts[2].BootstrapServers, topic, Messages);
        await hosts[2].Tiering!.RunOnceAsync(CancellationToken.None);
        var entriesAfter = await FinishedEntriesAsync(leader.Log.TopicId);
        Assert.Equal(entriesBefore.Select(e => e.SegmentId).Order(),
            entriesAfter.Where(e => e.BaseOffset <= entriesBefore.Max(b => b.EndOffset)).Select(e => e.SegmentId).Order());
        AssertContiguous(entriesAfter);
    }

    /// <summary>A poll that times out says where each replica stood, so a rare failure explains itself.</summary>
    private static async Task Explained(InProcessBroker[] hosts, string topic, Task poll)
    {
        try
        {
            await poll;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Replicas: {DescribeReplicas(hosts, topic)}", e);
        }
    }

    private static async Task<T> Explained<T>(InProcessBroker[] hosts, string topic, Task<T> poll)
    {
        try
        {
            return await poll;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Replicas: {DescribeReplicas(hosts, topic)}", e);
        }
    }

    private static string DescribeReplicas(InProcessBroker[] hosts, string topic) => string.Join("; ", hosts.Select((host, node) =>
        !host.IsRunning ? $"broker {node}: stopped"
        : host.Replicas.GetHosted(topic, 0) is not { } p
            ? $"broker {node}: no replica"
            : $"broker {node}: {(p.IsLeader ? "leader" : "follower")} epoch {p.LeaderEpoch} awaiting-remote {p.AwaitingRemoteTier} log [{p.Log.LogStartOffset}, local {p.Log.LocalLogStartOffset}, hw {p.Log.HighWatermark}, end {p.Log.LogEndOffset}) isr [{string.Join(',', p.Isr)}]"));

    private static string ValueOf(int i) => $"value-{i:D8}-{new string('r', 64)}";

    private static void Produce(string bootstrap, string topic, int first, int count, bool idempotent = false)
    {
        var config = KafkaClients.ProducerConfig(bootstrap, Acks.All);
        config.EnableIdempotence = idempotent;
        using var producer = KafkaClients.Producer(config);
        string? error = null;
        for (var i = first; i < first + count; i++)
        {
            var message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"k{i}"), Value = Encoding.UTF8.GetBytes(ValueOf(i)) };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, r =>
                    {
                        if (r.Error.IsError) Interlocked.CompareExchange(ref error, r.Error.ToString(), null);
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }
        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        Assert.Null(error);
    }

    private static void AssertReadsBack(string bootstrap, string topic, int count)
    {
        var read = KafkaClients.ReadAll(bootstrap, topic, 1, _ => count, TimeSpan.FromSeconds(120))[0];
        Assert.Equal(count, read.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, read[i].Offset.Value);
            Assert.Equal(ValueOf(i), Encoding.UTF8.GetString(read[i].Message.Value));
        }
    }

    private async Task<IReadOnlyList<RemoteSegmentMetadata>> FinishedEntriesAsync(Guid topicId)
    {
        var manifest = new TableRemoteLogMetadataStore(new TableServiceClient(azurite.ConnectionString), "fjordremotelog", TimeProvider.System);
        var entries = await manifest.ListAsync(topicId, 0, CancellationToken.None);
        return entries.Where(e => e.State == RemoteSegmentState.CopyFinished).OrderBy(e => e.BaseOffset).ToList();
    }

    private static void AssertContiguous(IReadOnlyList<RemoteSegmentMetadata> entries)
    {
        for (var i = 1; i < entries.Count; i++)
            Assert.True(entries[i].BaseOffset == entries[i - 1].EndOffset + 1,
                $"remote segments [{entries[i - 1].BaseOffset}, {entries[i - 1].EndOffset}] and [{entries[i].BaseOffset}, {entries[i].EndOffset}] overlap or leave a gap");
    }
}
