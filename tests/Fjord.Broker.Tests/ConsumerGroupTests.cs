using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests;

[Collection(BrokerCollection.Name)]
public sealed class ConsumerGroupTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly TimeSpan Rebalance = TimeSpan.FromSeconds(60);
    private FjordTestCluster _broker = null!;

    // On purpose: these tests wait for the assignment to settle, however many rebalances that takes, and
    // are about assignors and offsets; Kafka's 3 s initial delay (pinned in InitialRebalanceDelayTests)
    // would only add to every group's first join.
    public async Task InitializeAsync() => _broker = await FjordTestCluster.StartAsync(azurite.Host,
        new Dictionary<string, string> { ["group.initial.rebalance.delay.ms"] = "0" });

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    private static bool CoversDisjointly(IReadOnlyList<GroupMember> members, int partitions)
    {
        var all = members.SelectMany(m => m.Partitions).ToList();
        return all.Count == partitions && all.Distinct().Count() == partitions;
    }

    [Theory]
    [InlineData(PartitionAssignmentStrategy.Range)]
    [InlineData(PartitionAssignmentStrategy.RoundRobin)]
    [InlineData(PartitionAssignmentStrategy.CooperativeSticky)]
    public async Task ThreeConsumersShareSixPartitionsAndTheSurvivorsTakeOverWhenOneLeaves(PartitionAssignmentStrategy assignor)
    {
        var topic = $"shared-{assignor}".ToLowerInvariant();
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 6);
        var members = Enumerable.Range(0, 3)
            .Select(_ => new GroupMember(_broker.BootstrapServers, $"three-{assignor}", topic, c => c.PartitionAssignmentStrategy = assignor))
            .ToList();
        try
        {
            await Poll.UntilAsync(() => members.All(m => m.Partitions.Count == 2) && CoversDisjointly(members, 6), Rebalance,
                "three members with two partitions each");

            members[0].Close();
            var survivors = members.Skip(1).ToList();
            // The leaver's LeaveGroup starts the rebalance at once, well within the session timeout.
            await Poll.UntilAsync(() => CoversDisjointly(survivors, 6) && survivors.All(m => m.Partitions.Count == 3), TimeSpan.FromSeconds(6),
                "the two survivors to own all six partitions");
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    [Fact]
    public async Task AMemberThatDiesWithoutLeavingLosesItsPartitionsAfterTheSessionTimeout()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "abandoned", 4);
        using var survivor = new GroupMember(_broker.BootstrapServers, "dying", "abandoned");
        await Poll.UntilAsync(() => survivor.Partitions.Count == 4, Rebalance, "the first member to own everything");

        // A second member joins through the raw protocol, takes its share, then goes silent.
        await using var raw = await RawKafkaClient.ConnectAsync(_broker.BootstrapServers);
        var subscription = ConsumerSubscription("abandoned");
        var join = new JoinGroupRequest { GroupId = "dying", SessionTimeoutMs = 6000, RebalanceTimeoutMs = 30000, MemberId = "", ProtocolType = "consumer" };
        join.Protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol { Name = "range", Metadata = subscription });
        var first = await raw.SendAsync<JoinGroupResponse>(join, 7);
        Assert.Equal((short)Fjord.Protocol.ErrorCode.MemberIdRequired, first.ErrorCode);
        join.MemberId = first.MemberId;
        var joined = await raw.SendAsync<JoinGroupResponse>(join, 7, Rebalance);
        Assert.Equal((short)Fjord.Protocol.ErrorCode.None, joined.ErrorCode);
        var sync = await raw.SendAsync<SyncGroupResponse>(new SyncGroupRequest
        {
            GroupId = "dying",
            GenerationId = joined.GenerationId,
            MemberId = joined.MemberId,
            ProtocolType = "consumer",
            ProtocolName = joined.ProtocolName,
        }, 5, Rebalance);
        Assert.Equal((short)Fjord.Protocol.ErrorCode.None, sync.ErrorCode);
        Assert.True(sync.Assignment.Length > 0, "the silent member was assigned partitions");
        await Poll.UntilAsync(() => survivor.Partitions.Count == 2, Rebalance, "the first member to give up half");

        // No heartbeat, no LeaveGroup: after session.timeout.ms the coordinator evicts the silent member.
        await Poll.UntilAsync(() => survivor.Partitions.Count == 4, TimeSpan.FromSeconds(30), "the survivor to own everything again");
    }

    [Fact]
    public async Task CooperativeStickyMembersKeepTheirPartitionsAcrossARebalance()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "sticky", 6);
        void Cooperative(ConsumerConfig c) => c.PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky;
        var members = Enumerable.Range(0, 3).Select(_ => new GroupMember(_broker.BootstrapServers, "sticky-group", "sticky", Cooperative)).ToList();
        try
        {
            await Poll.UntilAsync(() => members.All(m => m.Partitions.Count == 2) && CoversDisjointly(members, 6), Rebalance, "a balanced cooperative group");
            var before = members.Skip(1).Select(m => m.Partitions.ToHashSet()).ToList();
            members[0].Close();
            var survivors = members.Skip(1).ToList();
            await Poll.UntilAsync(() => CoversDisjointly(survivors, 6), Rebalance, "survivors to cover all partitions");
            for (var i = 0; i < survivors.Count; i++)
                Assert.True(before[i].IsSubsetOf(survivors[i].Partitions), "a surviving member kept every partition it owned");
        }
        finally
        {
            foreach (var member in members) member.Dispose();
        }
    }

    [Fact]
    public async Task NoMessageIsLostAndNoCommittedMessageIsRedeliveredAcrossRestart()
    {
        const int total = 50_000;
        const string topic = "ledger";
        const string group = "ledger-workers";
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, topic, 4);
        var processed = new ConcurrentDictionary<int, int>();
        var committed = new ConcurrentDictionary<int, long>();

        void Process(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> result)
        {
            processed.AddOrUpdate(BitConverter.ToInt32(result.Message.Value), 1, (_, n) => n + 1);
            if (result.Offset.Value % 50 == 0)
            {
                try
                {
                    consumer.Commit([new TopicPartitionOffset(result.TopicPartition, result.Offset + 1)]);
                }
                catch (KafkaException)
                {
                    return; // lost the partition mid-rebalance; the new owner redoes uncommitted work
                }
                committed.AddOrUpdate(result.Partition.Value, result.Offset.Value + 1, (_, o) => Math.Max(o, result.Offset.Value + 1));
            }
        }

        var producing = Task.Run(() =>
        {
            using var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers));
            for (var i = 0; i < total; i++)
            {
                while (true)
                {
                    try { producer.Produce(topic, new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) }); break; }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == Confluent.Kafka.ErrorCode.Local_QueueFull) { producer.Poll(TimeSpan.FromMilliseconds(10)); }
                }
            }
            return producer.Flush(TimeSpan.FromSeconds(60));
        });

        var a = new GroupMember(_broker.BootstrapServers, group, topic, onMessage: Process);
        await Poll.UntilAsync(() => processed.Count > 5_000, Rebalance, "the first worker to make progress");
        var b = new GroupMember(_broker.BootstrapServers, group, topic, onMessage: Process);
        await Poll.UntilAsync(() => b.Partitions.Count > 0, Rebalance, "the second worker to get partitions");
        a.Dispose();
        var c = new GroupMember(_broker.BootstrapServers, group, topic, onMessage: Process);
        Assert.Equal(0, await producing);
        await Poll.UntilAsync(() => processed.Count == total, TimeSpan.FromSeconds(120), "every message to be processed");
        b.Dispose();
        c.Dispose();
        Assert.Equal(total, processed.Count);

        await _broker.RestartAsync(0);
        using var probe = KafkaClients.Consumer(_broker.BootstrapServers);
        var ends = Enumerable.Range(0, 4).ToDictionary(p => p, p => probe.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        var redelivered = new ConcurrentBag<(int Partition, long Offset)>();
        var lastSeen = new ConcurrentDictionary<int, long>();
        using var after = new GroupMember(_broker.BootstrapServers, group, topic, onMessage: (_, r) =>
        {
            lastSeen[r.Partition.Value] = r.Offset.Value;
            if (committed.TryGetValue(r.Partition.Value, out var mark) && r.Offset.Value < mark) redelivered.Add((r.Partition.Value, r.Offset.Value));
        });
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)]);
        foreach (var tp in offsets[0].Partitions)
            Assert.True(tp.Offset.Value >= committed.GetValueOrDefault(tp.Partition.Value), $"partition {tp.Partition.Value}: committed offset survived the restart");
        // The restarted group resumes at its committed offsets and reads to the end of every partition.
        await Poll.UntilAsync(() => ends.All(e => committed.GetValueOrDefault(e.Key) >= e.Value || lastSeen.GetValueOrDefault(e.Key, -1) == e.Value - 1),
            Rebalance, "the restarted group to read to the end of every partition");
        Assert.Empty(redelivered);
    }

    [Fact]
    public async Task AdminListsDescribesAndDeletesGroupsAndReadsLag()
    {
        await KafkaClients.CreateTopicAsync(_broker.BootstrapServers, "lagging", 2);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(_broker.BootstrapServers)))
        {
            for (var i = 0; i < 100; i++) producer.Produce(new TopicPartition("lagging", i % 2), new Message<byte[], byte[]> { Value = Encoding.UTF8.GetBytes($"m{i}") });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }
        using var admin = KafkaClients.Admin(_broker.BootstrapServers);
        using (var member = new GroupMember(_broker.BootstrapServers, "watched", "lagging"))
        {
            await Poll.UntilAsync(() => member.Partitions.Count == 2, Rebalance, "the member to be assigned");
            member.Consumer.Commit([new TopicPartitionOffset("lagging", 0, 30), new TopicPartitionOffset("lagging", 1, 45)]);

            var listed = await admin.ListConsumerGroupsAsync();
            var listing = Assert.Single(listed.Valid, g => g.GroupId == "watched");
            Assert.Equal(ConsumerGroupState.Stable, listing.State);

            var described = await admin.DescribeConsumerGroupsAsync(["watched"]);
            var group = Assert.Single(described.ConsumerGroupDescriptions);
            Assert.Equal(ConsumerGroupState.Stable, group.State);
            var described1 = Assert.Single(group.Members);
            Assert.Equal(2, described1.Assignment.TopicPartitions.Count);

            var deleteLive = await Assert.ThrowsAsync<DeleteGroupsException>(() => admin.DeleteGroupsAsync(["watched"]));
            Assert.Equal(Confluent.Kafka.ErrorCode.NonEmptyGroup, deleteLive.Results[0].Error.Code);
        }

        // Lag = high watermark - committed offset, per partition.
        var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("watched", null)]);
        using var consumer = KafkaClients.Consumer(_broker.BootstrapServers);
        var lag = offsets[0].Partitions.ToDictionary(p => p.Partition.Value,
            p => consumer.QueryWatermarkOffsets(p.TopicPartition, TimeSpan.FromSeconds(10)).High.Value - p.Offset.Value);
        Assert.Equal(20, lag[0]);
        Assert.Equal(5, lag[1]);

        await Poll.UntilAsync(async () => (await admin.DescribeConsumerGroupsAsync(["watched"])).ConsumerGroupDescriptions[0].State == ConsumerGroupState.Empty,
            Rebalance, "the group to be empty after its member left");
        await admin.DeleteGroupsAsync(["watched"]);
        var gone = await admin.ListConsumerGroupsAsync();
        Assert.DoesNotContain(gone.Valid, g => g.GroupId == "watched");
        var afterDelete = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions("watched", [new TopicPartition("lagging", 0)])]);
        Assert.Equal(Offset.Unset, afterDelete[0].Partitions[0].Offset);
    }

    /// <summary>Kafka's ConsumerProtocolSubscription v0: version, topics, null user data.</summary>
    private static byte[] ConsumerSubscription(params string[] topics)
    {
        using var stream = new MemoryStream();
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(scratch, 0);
        stream.Write(scratch[..2]);
        BinaryPrimitives.WriteInt32BigEndian(scratch, topics.Length);
        stream.Write(scratch);
        foreach (var topic in topics)
        {
            var bytes = Encoding.UTF8.GetBytes(topic);
            BinaryPrimitives.WriteInt16BigEndian(scratch, (short)bytes.Length);
            stream.Write(scratch[..2]);
            stream.Write(bytes);
        }
        BinaryPrimitives.WriteInt32BigEndian(scratch, -1);
        stream.Write(scratch);
        return stream.ToArray();
    }
}
