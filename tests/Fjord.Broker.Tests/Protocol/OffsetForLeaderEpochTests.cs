using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using Fjord.Broker.Handlers;
using Fjord.Broker.Replicas;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Log.Checkpoints;
using Fjord.Protocol;
using Fjord.Testing.Records;
using ErrorCode = Fjord.Protocol.ErrorCode;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// OffsetForLeaderEpoch at every advertised version against a live broker, Kafka's
/// endOffsetFor rule on leader-epoch caches the single broker cannot produce over the wire, and
/// librdkafka resuming from a committed offset (which it validates with this API, KIP-320).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class OffsetForLeaderEpochTests(ProtocolBrokerFixture fixture) : IClassFixture<ProtocolBrokerFixture>, IAsyncLifetime
{
    private RawKafkaClient _client = null!;

    public async Task InitializeAsync() => _client = await RawKafkaClient.ConnectAsync(fixture.Cluster.BootstrapServers);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 4, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task TheLatestEpochEndsAtTheLogEndOffsetAtEveryVersion(short version)
    {
        var name = $"t-ofle-latest-v{version}";
        await RawScenario.CreateTopicAsync(_client, name, partitions: 2);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(3));
        Assert.Equal(3, await RawScenario.AppendAsync(_client, name, 0, BatchOf(2)));

        var response = await OffsetForLeaderEpochAsync(version, name, (0, 0), (1, 0));

        var topic = Assert.Single(response.Topics);
        Assert.Equal(name, topic.Topic);
        Assert.Equal(2, topic.Partitions.Count);
        AssertEndOffset(version, topic.Partitions[0], partition: 0, epoch: 0, endOffset: 5);
        Assert.Equal(5, RawScenario.LogEndOffset(fixture.Cluster, name, 0));
        // An empty partition is still led in epoch 0, which starts (and ends) at its log end offset.
        AssertEndOffset(version, topic.Partitions[1], partition: 1, epoch: 0, endOffset: 0);
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 4, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task AnEpochAboveTheLeadersOrUndefinedHasNoEndOffsetAtEveryVersion(short version)
    {
        var name = $"t-ofle-future-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(4));

        // Kafka's endOffsetFor: an epoch larger than every cached one is (UNDEFINED_EPOCH,
        // UNDEFINED_EPOCH_OFFSET) with no error, and so is UNDEFINED_EPOCH itself.
        var response = await OffsetForLeaderEpochAsync(version, name, (0, 5), (0, -1));

        var partitions = Assert.Single(response.Topics).Partitions;
        AssertEndOffset(version, partitions[0], partition: 0, epoch: -1, endOffset: -1);
        AssertEndOffset(version, partitions[1], partition: 0, epoch: -1, endOffset: -1);
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 4, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task UnknownTopicsAndPartitionsAreRefusedPerPartitionAtEveryVersion(short version)
    {
        var name = $"t-ofle-unknown-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(1));

        var request = RequestFor(version, name, (0, 0), (1, 0), (-1, 0));
        request.Topics.Add(TopicRequest("t-ofle-missing", (0, 0)));
        var response = await _client.SendAsync<OffsetForLeaderEpochResponse>(request, version);

        Assert.Equal(2, response.Topics.Count);
        var known = response.Topics[0].Partitions;
        AssertEndOffset(version, known[0], partition: 0, epoch: 0, endOffset: 1);
        AssertRefused(known[1], partition: 1, ErrorCode.UnknownTopicOrPartition);
        AssertRefused(known[2], partition: -1, ErrorCode.UnknownTopicOrPartition);
        Assert.Equal("t-ofle-missing", response.Topics[1].Topic);
        AssertRefused(Assert.Single(response.Topics[1].Partitions), partition: 0, ErrorCode.UnknownTopicOrPartition);
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 2, 4, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task ACurrentLeaderEpochAboveOursIsUnknownFromVersion2(short version)
    {
        var name = $"t-ofle-current-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(2));

        var request = RequestFor(version, name, (0, 0), (0, 0), (0, 0));
        var partitions = request.Topics[0].Partitions;
        partitions[0].CurrentLeaderEpoch = 1;
        partitions[1].CurrentLeaderEpoch = 0;
        partitions[2].CurrentLeaderEpoch = -1;
        var response = await _client.SendAsync<OffsetForLeaderEpochResponse>(request, version);

        var results = Assert.Single(response.Topics).Partitions;
        AssertRefused(results[0], partition: 0, ErrorCode.UnknownLeaderEpoch);
        // Our own epoch passes the check, and -1 means "do not check" (KIP-320).
        AssertEndOffset(version, results[1], partition: 0, epoch: 0, endOffset: 2);
        AssertEndOffset(version, results[2], partition: 0, epoch: 0, endOffset: 2);
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 1, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task BeforeVersion2TheCurrentLeaderEpochIsNotSentSoNothingIsFenced(short version)
    {
        var name = $"t-ofle-nocurrent-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(2));

        var request = RequestFor(version, name, (0, 0));
        request.Topics[0].Partitions[0].CurrentLeaderEpoch = 7;
        var response = await _client.SendAsync<OffsetForLeaderEpochResponse>(request, version);

        AssertEndOffset(version, Assert.Single(Assert.Single(response.Topics).Partitions), partition: 0, epoch: 0, endOffset: 2);
    }

    [Theory]
    [InlineData(OffsetForLeaderEpochHandler.ConsumerReplicaId)]
    [InlineData(OffsetForLeaderEpochHandler.DebuggingReplicaId)]
    public async Task ConsumersAndDebuggingToolsGetTheSameAnswerAtVersion3(int replicaId)
    {
        var name = $"t-ofle-replica{replicaId}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(6));

        var request = RequestFor(3, name, (0, 0));
        request.ReplicaId = replicaId;
        var response = await _client.SendAsync<OffsetForLeaderEpochResponse>(request, 3);

        AssertEndOffset(3, Assert.Single(Assert.Single(response.Topics).Partitions), partition: 0, epoch: 0, endOffset: 6);
    }

    [Fact]
    public async Task AfterDeleteRecordsTheLatestEpochStillEndsAtTheLogEndOffset()
    {
        const string name = "t-ofle-deleted";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(3));
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(3));
        var delete = new DeleteRecordsRequest { TimeoutMs = 30_000 };
        var topic = new DeleteRecordsRequest.DeleteRecordsTopic { Name = name };
        topic.Partitions.Add(new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = 0, Offset = 6 });
        delete.Topics.Add(topic);
        var deleted = await _client.SendAsync<DeleteRecordsResponse>(delete, 2);
        Assert.Equal(6, Assert.Single(Assert.Single(deleted.Topics).Partitions).LowWatermark);

        var response = await OffsetForLeaderEpochAsync(4, name, (0, 0));

        AssertEndOffset(4, Assert.Single(Assert.Single(response.Topics).Partitions), partition: 0, epoch: 0, endOffset: 6);
    }

    public static TheoryData<int, int, long> MultiEpochCache() => new()
    {
        // The cache {0@0, 2@10, 5@30}, log end offset 50, leader epoch 5.
        { 5, 5, 50 },   // the latest epoch: the log end offset
        { 4, 2, 30 },   // no epoch 3 or 4: the largest ≤ it, ending where 5 starts
        { 2, 2, 30 },
        { 1, 0, 10 },
        { 0, 0, 10 },
        { 6, -1, -1 },  // above every known epoch
        { -1, -1, -1 }, // UNDEFINED_EPOCH
    };

    [Theory]
    [MemberData(nameof(MultiEpochCache))]
    public void EndOffsetForFollowsKafkasRuleOnACacheWithSeveralEpochs(int requested, int epoch, long endOffset)
    {
        EpochEntry[] cache = [new(0, 0), new(2, 10), new(5, 30)];
        Assert.Equal((epoch, endOffset), ReplicaManager.EndOffsetFor(cache, leaderEpoch: 5, requested, logEndOffset: 50));
    }

    [Fact]
    public void AnEpochOlderThanTheTruncatedCacheEndsWhereTheFirstSurvivingEpochStarts()
    {
        // Kafka answers with the requested epoch itself here: the data before offset 10 is gone.
        EpochEntry[] cache = [new(2, 10), new(5, 30)];
        Assert.Equal((1, 10L), ReplicaManager.EndOffsetFor(cache, leaderEpoch: 5, requestedEpoch: 1, logEndOffset: 50));
    }

    [Fact]
    public void ALeaderEpochNotYetInTheCacheStartsAtTheLogEndOffset()
    {
        // A Kafka leader caches its epoch at its log end offset when elected; ours records it with the first batch.
        EpochEntry[] cache = [new(0, 0)];
        Assert.Equal((3, 40L), ReplicaManager.EndOffsetFor(cache, leaderEpoch: 3, requestedEpoch: 3, logEndOffset: 40));
        Assert.Equal((0, 40L), ReplicaManager.EndOffsetFor(cache, leaderEpoch: 3, requestedEpoch: 1, logEndOffset: 40));
        Assert.Equal((-1, -1L), ReplicaManager.EndOffsetFor(cache, leaderEpoch: 3, requestedEpoch: 4, logEndOffset: 40));
        Assert.Equal((0, 7L), ReplicaManager.EndOffsetFor([], leaderEpoch: 0, requestedEpoch: 0, logEndOffset: 7));
        Assert.Equal((-1, -1L), ReplicaManager.EndOffsetFor([], leaderEpoch: 0, requestedEpoch: 1, logEndOffset: 7));
    }

    [Fact]
    public async Task AConsumerWithDefaultSettingsResumesExactlyAtItsCommittedOffset()
    {
        const string name = "t-ofle-librdkafka";
        const int total = 20;
        const int firstHalf = 10;
        var bootstrap = fixture.Cluster.BootstrapServers;
        await KafkaClients.CreateTopicAsync(bootstrap, name, partitions: 1);
        using (var producer = KafkaClients.Producer(KafkaClients.ProducerConfig(bootstrap)))
        {
            for (var i = 0; i < total; i++)
                producer.Produce(name, new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes($"m{i}") });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(60)));
        }

        var group = "g-ofle-" + Guid.NewGuid().ToString("N");
        var first = ConsumeFromGroup(bootstrap, group, name, firstHalf, commitLast: true, out _);
        Assert.Equal(Enumerable.Range(0, firstHalf).Select(i => (long)i), first.Select(r => r.Offset.Value));
        Assert.All(first, r => Assert.Equal(0, r.LeaderEpoch));

        // The committed offset carries leader epoch 0. librdkafka 2.16 does not validate a fresh
        // assignment (it logs "skipping offset validation in fetch state none"), but advertising the
        // API must not change where a default consumer resumes.
        var second = ConsumeFromGroup(bootstrap, group, name, total - firstHalf, commitLast: false, out var protocolLog);
        Assert.Equal(Enumerable.Range(firstHalf, total - firstHalf).Select(i => (long)i), second.Select(r => r.Offset.Value));
        Assert.Equal($"m{firstHalf}", Encoding.UTF8.GetString(second[0].Message.Value));
        Assert.DoesNotContain(protocolLog, line => line.Contains("truncat", StringComparison.OrdinalIgnoreCase));
    }

    private static List<ConsumeResult<byte[], byte[]>> ConsumeFromGroup(string bootstrap, string group, string topic, int count, bool commitLast,
        out IReadOnlyCollection<string> log)
    {
        var lines = new ConcurrentQueue<string>();
        log = lines;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Only to observe which requests librdkafka sends; the behaviour under test is the default.
            Debug = "protocol,consumer,fetch",
        };
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, m) => lines.Enqueue(m.Message))
            .Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null && !result.IsPartitionEOF) results.Add(result);
        }
        Assert.True(results.Count >= count, $"consumed {results.Count} of {count} from {topic}");
        if (commitLast) consumer.Commit(results[count - 1]);
        consumer.Close();
        return results.GetRange(0, count);
    }

    private async Task<OffsetForLeaderEpochResponse> OffsetForLeaderEpochAsync(short version, string topic, params (int Partition, int LeaderEpoch)[] partitions) =>
        await _client.SendAsync<OffsetForLeaderEpochResponse>(RequestFor(version, topic, partitions), version);

    private static OffsetForLeaderEpochRequest RequestFor(short version, string topic, params (int Partition, int LeaderEpoch)[] partitions)
    {
        var request = new OffsetForLeaderEpochRequest { ReplicaId = version >= 3 ? OffsetForLeaderEpochHandler.ConsumerReplicaId : OffsetForLeaderEpochHandler.DebuggingReplicaId };
        request.Topics.Add(TopicRequest(topic, partitions));
        return request;
    }

    private static OffsetForLeaderEpochRequest.OffsetForLeaderTopic TopicRequest(string topic, params (int Partition, int LeaderEpoch)[] partitions)
    {
        var result = new OffsetForLeaderEpochRequest.OffsetForLeaderTopic { Topic = topic };
        foreach (var (partition, epoch) in partitions)
            result.Partitions.Add(new OffsetForLeaderEpochRequest.OffsetForLeaderPartition { Partition = partition, CurrentLeaderEpoch = -1, LeaderEpoch = epoch });
        return result;
    }

    private static void AssertEndOffset(short version, OffsetForLeaderEpochResponse.EpochEndOffset result, int partition, int epoch, long endOffset)
    {
        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(partition, result.Partition);
        Assert.Equal(endOffset, result.EndOffset);
        // LeaderEpoch is on the wire from v1; a v0 answer decodes it as its default, -1.
        Assert.Equal(version >= 1 ? epoch : -1, result.LeaderEpoch);
    }

    private static void AssertRefused(OffsetForLeaderEpochResponse.EpochEndOffset result, int partition, ErrorCode error)
    {
        Assert.Equal((short)error, result.ErrorCode);
        Assert.Equal(partition, result.Partition);
        Assert.Equal(-1, result.LeaderEpoch);
        Assert.Equal(-1, result.EndOffset);
    }

    private static byte[] BatchOf(int records)
    {
        var builder = new RecordBatchBuilder();
        for (var i = 0; i < records; i++) builder.Add($"k{i}", $"v{i}");
        return builder.Build();
    }
}
