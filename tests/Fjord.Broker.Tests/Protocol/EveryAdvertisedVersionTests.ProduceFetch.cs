using System.Diagnostics;
using System.Text;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class EveryAdvertisedVersionTests
{
    private static readonly long RecentTimestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    private static byte[] BatchOf(int records, string tag, long? baseTimestamp = null)
    {
        var builder = new RecordBatchBuilder(baseTimestamp ?? RecentTimestamp);
        for (var i = 0; i < records; i++)
            builder.Add(i == 0 ? null : Encoding.UTF8.GetBytes($"{tag}-key-{i}"), Encoding.UTF8.GetBytes($"{tag}-value-{i}"), timestampDelta: i,
                headers: [new("h", Encoding.UTF8.GetBytes(tag)), new("null-header", null)]);
        return builder.Build();
    }

    [Theory]
    [MemberData(nameof(Versions), 3, 11)]
    public async Task ProduceAppendsBatchesAndReturnsTheirBaseOffsetsAtEveryVersion(short version)
    {
        var name = $"t-produce-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);

        var first = await RawScenario.ProduceAsync(_client, name, 0, BatchOf(3, "a"), version);
        Assert.Equal(0, first.ErrorCode);
        Assert.Equal(0, first.Index);
        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(-1, first.LogAppendTimeMs); // CreateTime topic: the broker keeps the producer's timestamps
        if (version >= 5) Assert.Equal(0, first.LogStartOffset);

        var second = await RawScenario.ProduceAsync(_client, name, 0, BatchOf(2, "b"), version);
        Assert.Equal(0, second.ErrorCode);
        Assert.Equal(3, second.BaseOffset);

        // Several batches in one partition's records: one append, the first batch's offset answered.
        var twoBatches = RecordBatchBuilder.Concat(BatchOf(1, "c"), BatchOf(2, "d"));
        var third = await RawScenario.ProduceAsync(_client, name, 0, twoBatches, version);
        Assert.Equal(0, third.ErrorCode);
        Assert.Equal(5, third.BaseOffset);
        Assert.Equal(8, RawScenario.LogEndOffset(Host, name, 0));
    }

    [Theory]
    [MemberData(nameof(Versions), 3, 11)]
    public async Task ProduceWithAcksZeroIsAppendedAndNotAnswered(short version)
    {
        var name = $"t-produce-acks0-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await _client.SendRawAsync(RawKafkaClient.Encode(RawScenario.ProduceRequestFor(name, 0, BatchOf(4, "x"), acks: 0), version, _client.NextCorrelationId()));

        // The next frame on the wire must answer the next request: acks=0 produced none.
        var correlationId = _client.NextCorrelationId();
        await _client.SendRawAsync(RawKafkaClient.Encode(new ApiVersionsRequest(), 0, correlationId));
        var frame = await _client.ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.NotNull(frame);
        Assert.Equal(0, RawKafkaClient.Decode<ApiVersionsResponse>(frame, ApiKey.ApiVersions, 0, correlationId).ErrorCode);
        Assert.Equal(4, RawScenario.LogEndOffset(Host, name, 0));
    }

    private static FetchRequest FetchRequestFor(string topic, Guid topicId, short version, IEnumerable<(int Partition, long Offset)> partitions,
        int maxWaitMs = 0, int minBytes = 1)
    {
        var request = new FetchRequest { MaxWaitMs = maxWaitMs, MinBytes = minBytes, MaxBytes = 4 * 1024 * 1024 };
        var fetchTopic = new FetchRequest.FetchTopic { Topic = version >= 13 ? "" : topic, TopicId = version >= 13 ? topicId : Guid.Empty };
        foreach (var (partition, offset) in partitions)
            fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = 1024 * 1024 });
        request.Topics.Add(fetchTopic);
        return request;
    }

    private static FetchResponse.PartitionData SinglePartition(FetchResponse response, string topic, Guid topicId, short version)
    {
        Assert.Equal(0, response.ErrorCode);
        var topicResponse = Assert.Single(response.Responses);
        if (version >= 13) Assert.Equal(topicId, topicResponse.TopicId);
        else Assert.Equal(topic, topicResponse.Topic);
        return Assert.Single(topicResponse.Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 17)]
    public async Task FetchReturnsProducedBatchesByteIdenticalAtEveryVersion(short version)
    {
        var name = $"t-fetch-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, name);
        var first = BatchOf(3, "first");
        var second = BatchOf(2, "second");
        Assert.Equal(0, await RawScenario.AppendAsync(_client, name, 0, first));
        Assert.Equal(3, await RawScenario.AppendAsync(_client, name, 0, second));

        var whole = SinglePartition(await _client.SendAsync<FetchResponse>(FetchRequestFor(name, topicId, version, [(0, 0)]), version), name, topicId, version);
        Assert.Equal(0, whole.ErrorCode);
        Assert.Equal(5, whole.HighWatermark);
        Assert.Equal(5, whole.LastStableOffset);
        if (version >= 5) Assert.Equal(0, whole.LogStartOffset);
        // The leader stamps only the base offset and its leader epoch; every other byte is the producer's.
        var expected = RecordBatchBuilder.Concat(RawScenario.AsStored(first, 0), RawScenario.AsStored(second, 3));
        Assert.Equal(expected, whole.Records!.Value.ToArray());

        var fromSecond = SinglePartition(await _client.SendAsync<FetchResponse>(FetchRequestFor(name, topicId, version, [(0, 3)]), version), name, topicId, version);
        Assert.Equal(RawScenario.AsStored(second, 3), fromSecond.Records!.Value.ToArray());

        var beyond = SinglePartition(await _client.SendAsync<FetchResponse>(FetchRequestFor(name, topicId, version, [(0, 99)]), version), name, topicId, version);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, beyond.ErrorCode);
        Assert.True(beyond.Records is null || beyond.Records.Value.IsEmpty);

        var unknown = await _client.SendAsync<FetchResponse>(FetchRequestFor("t-fetch-missing", Guid.NewGuid(), version, [(0, 0)]), version);
        var unknownPartition = Assert.Single(Assert.Single(unknown.Responses).Partitions);
        Assert.Equal((short)(version >= 13 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition), unknownPartition.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 7, 17)]
    public async Task FetchSessionsAreCreatedAdvancedAndRefusedAtEveryVersion(short version)
    {
        var name = $"t-session-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, name, partitions: 2);
        var batch0 = BatchOf(3, "p0");
        await RawScenario.AppendAsync(_client, name, 0, batch0);

        // Epoch 0 opens a session and answers in full.
        var open = FetchRequestFor(name, topicId, version, [(0, 0), (1, 0)]);
        open.SessionId = 0;
        open.SessionEpoch = 0;
        var full = await _client.SendAsync<FetchResponse>(open, version);
        Assert.Equal(0, full.ErrorCode);
        Assert.NotEqual(0, full.SessionId);
        var fullPartitions = Assert.Single(full.Responses).Partitions;
        Assert.Equal([0, 1], fullPartitions.Select(p => p.PartitionIndex));
        Assert.Equal(RawScenario.AsStored(batch0, 0), fullPartitions[0].Records!.Value.ToArray());

        var batch1 = BatchOf(2, "p1");
        await RawScenario.AppendAsync(_client, name, 1, batch1);

        // Epoch 1: partition 0 moves its fetch offset past its data (nothing new there), partition 1
        // has new records, so only partition 1 is in the incremental answer.
        var incremental = FetchRequestFor(name, topicId, version, [(0, 3)]);
        incremental.SessionId = full.SessionId;
        incremental.SessionEpoch = 1;
        var changed = await _client.SendAsync<FetchResponse>(incremental, version);
        Assert.Equal(0, changed.ErrorCode);
        Assert.Equal(full.SessionId, changed.SessionId);
        var only = SinglePartition(changed, name, topicId, version);
        Assert.Equal(1, only.PartitionIndex);
        Assert.Equal(2, only.HighWatermark);
        Assert.Equal(RawScenario.AsStored(batch1, 0), only.Records!.Value.ToArray());

        var wrongEpoch = new FetchRequest { SessionId = full.SessionId, SessionEpoch = 7, MaxBytes = 1024 * 1024 };
        var refused = await _client.SendAsync<FetchResponse>(wrongEpoch, version);
        Assert.Equal((short)ErrorCode.InvalidFetchSessionEpoch, refused.ErrorCode);
        Assert.Empty(refused.Responses);

        var unknownId = full.SessionId == int.MaxValue ? 1 : full.SessionId + 1_000_000;
        var notFound = await _client.SendAsync<FetchResponse>(new FetchRequest { SessionId = unknownId, SessionEpoch = 1, MaxBytes = 1024 * 1024 }, version);
        Assert.Equal((short)ErrorCode.FetchSessionIdNotFound, notFound.ErrorCode);
        Assert.Empty(notFound.Responses);
    }

    [Theory]
    [MemberData(nameof(Versions), 4, 17)]
    public async Task ALongPollingFetchReturnsAsSoonAsAProduceLands(short version)
    {
        const int maxWaitMs = 20_000;
        var name = $"t-longpoll-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, name);
        await using var producer = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);

        var clock = Stopwatch.StartNew();
        var fetch = _client.SendAsync<FetchResponse>(FetchRequestFor(name, topicId, version, [(0, 0)], maxWaitMs: maxWaitMs, minBytes: 1), version,
            TimeSpan.FromMilliseconds(maxWaitMs + 15_000));
        var batch = BatchOf(1, "wake");
        await RawScenario.AppendAsync(producer, name, 0, batch);
        var partition = SinglePartition(await fetch, name, topicId, version);
        clock.Stop();

        Assert.Equal(RawScenario.AsStored(batch, 0), partition.Records!.Value.ToArray());
        // Waking on the append, not on the timeout: far below MaxWaitMs even on a loaded machine.
        Assert.True(clock.ElapsedMilliseconds < maxWaitMs / 2, $"fetch took {clock.ElapsedMilliseconds} ms");
    }

    [Theory]
    [MemberData(nameof(Versions), 1, 10)]
    public async Task ListOffsetsFindsEarliestLatestAndByTimestampAtEveryVersion(short version)
    {
        var name = $"t-offsets-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        var t = RecentTimestamp;
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(2, "early", t));        // offsets 0 (t), 1 (t+1)
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(1, "late", t + 100));   // offset 2 (t+100)
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(1, "middle", t + 50));  // offset 3 (t+50)

        var earliest = await RawScenario.ListOffsetAsync(_client, name, 0, -2, version);
        Assert.Equal(0, earliest.ErrorCode);
        Assert.Equal(0, earliest.Offset);
        if (version >= 4) Assert.Equal(0, earliest.LeaderEpoch);

        var latest = await RawScenario.ListOffsetAsync(_client, name, 0, -1, version);
        Assert.Equal(4, latest.Offset);

        var byTime = await RawScenario.ListOffsetAsync(_client, name, 0, t + 1, version);
        Assert.Equal(1, byTime.Offset);
        Assert.Equal(t + 1, byTime.Timestamp);

        var afterAll = await RawScenario.ListOffsetAsync(_client, name, 0, t + 10_000, version);
        Assert.Equal(0, afterAll.ErrorCode);
        Assert.Equal(-1, afterAll.Offset);

        if (version >= 7)
        {
            // KIP-734: -3 names the record with the largest timestamp, wherever it sits.
            var max = await RawScenario.ListOffsetAsync(_client, name, 0, -3, version);
            Assert.Equal(0, max.ErrorCode);
            Assert.Equal(2, max.Offset);
            Assert.Equal(t + 100, max.Timestamp);
        }

        var unknown = await RawScenario.ListOffsetAsync(_client, "t-offsets-missing", 0, -1, version);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, unknown.ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public async Task DeleteRecordsMovesTheLogStartOffsetAtEveryVersion(short version)
    {
        var name = $"t-delrec-v{version}";
        await RawScenario.CreateTopicAsync(_client, name);
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(3, "a"));
        await RawScenario.AppendAsync(_client, name, 0, BatchOf(2, "b"));

        Assert.Equal(2, (await DeleteRecordsAsync(name, 2, version)).LowWatermark);
        Assert.Equal(2, (await RawScenario.ListOffsetAsync(_client, name, 0, -2)).Offset);

        var beyond = await DeleteRecordsAsync(name, 99, version);
        Assert.Equal((short)ErrorCode.OffsetOutOfRange, beyond.ErrorCode);

        // -1 means "up to the high watermark".
        var all = await DeleteRecordsAsync(name, -1, version);
        Assert.Equal(0, all.ErrorCode);
        Assert.Equal(5, all.LowWatermark);
        Assert.Equal(5, (await RawScenario.ListOffsetAsync(_client, name, 0, -2)).Offset);

        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, (await DeleteRecordsAsync("t-delrec-missing", 0, version)).ErrorCode);
    }

    private async Task<DeleteRecordsResponse.DeleteRecordsPartitionResult> DeleteRecordsAsync(string topic, long offset, short version)
    {
        var request = new DeleteRecordsRequest { TimeoutMs = 30_000 };
        var t = new DeleteRecordsRequest.DeleteRecordsTopic { Name = topic };
        t.Partitions.Add(new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = 0, Offset = offset });
        request.Topics.Add(t);
        var response = await _client.SendAsync<DeleteRecordsResponse>(request, version);
        var topicResult = Assert.Single(response.Topics);
        Assert.Equal(topic, topicResult.Name);
        return Assert.Single(topicResult.Partitions);
    }
}
