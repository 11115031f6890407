using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>The data path: Produce, Fetch, ListOffsets, OffsetForLeaderEpoch, DeleteRecords, DescribeProducers.</summary>
public sealed partial class HandlerAuthorizationTests
{
    [Fact]
    public async Task ProduceWithoutWriteOnTheTopicAppendsNothing()
    {
        var topic = Name("authz-produce");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var request = RawScenario.ProduceRequestFor(topic, 0, BatchOf(2, "a"));

        var denied = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(request, 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(0, RawScenario.LogEndOffset(Host, topic, 0));

        // Describe (or Read) is not Write.
        Grant(AclOperation.Read, ResourceType.Topic, topic);
        denied = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(RawScenario.ProduceRequestFor(topic, 0, BatchOf(2, "a")), 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);

        Grant(AclOperation.Write, ResourceType.Topic, topic);
        var allowed = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(RawScenario.ProduceRequestFor(topic, 0, BatchOf(2, "b")), 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.None, allowed.ErrorCode);
        Assert.Equal(2, RawScenario.LogEndOffset(Host, topic, 0));
    }

    [Fact]
    public async Task ProduceToAMissingTopicWithoutWriteDoesNotSayItIsMissing()
    {
        var missing = Name("authz-produce-missing");
        var denied = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(RawScenario.ProduceRequestFor(missing, 0, BatchOf(1, "x")), 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);

        Grant(AclOperation.Write, ResourceType.Topic, missing);
        var allowed = Assert.Single(Assert.Single((await CallAsync<ProduceResponse>(RawScenario.ProduceRequestFor(missing, 0, BatchOf(1, "x")), 11)).Responses).PartitionResponses);
        AssertError(ErrorCode.UnknownTopicOrPartition, allowed.ErrorCode);
    }

    [Fact]
    public async Task ProduceAuthorizesOncePerTopicAndAnswersEachTopicOnItsOwn()
    {
        var allowed = Name("authz-produce-ok");
        var denied = Name("authz-produce-no");
        await RawScenario.CreateTopicAsync(_admin, allowed, partitions: 3);
        await RawScenario.CreateTopicAsync(_admin, denied, partitions: 3);
        Grant(AclOperation.Write, ResourceType.Topic, allowed);
        var request = new ProduceRequest { Acks = -1, TimeoutMs = 30_000 };
        foreach (var topic in new[] { allowed, denied })
        {
            var data = new ProduceRequest.TopicProduceData { Name = topic };
            for (var p = 0; p < 3; p++)
                data.PartitionData.Add(new ProduceRequest.PartitionProduceData { Index = p, Records = BatchOf(1, topic) });
            request.TopicData.Add(data);
        }

        var response = await CallAsync<ProduceResponse>(request, 9);
        Assert.All(response.Responses.Single(t => t.Name == allowed).PartitionResponses, p => AssertError(ErrorCode.None, p.ErrorCode));
        Assert.All(response.Responses.Single(t => t.Name == denied).PartitionResponses, p => AssertError(ErrorCode.TopicAuthorizationFailed, p.ErrorCode));
        Assert.Equal(1, Acls.Asked(AclOperation.Write, ResourceType.Topic, allowed));
        Assert.Equal(1, Acls.Asked(AclOperation.Write, ResourceType.Topic, denied));
        for (var p = 0; p < 3; p++)
        {
            Assert.Equal(1, RawScenario.LogEndOffset(Host, allowed, p));
            Assert.Equal(0, RawScenario.LogEndOffset(Host, denied, p));
        }
    }

    [Fact]
    public async Task FetchWithoutReadOnTheTopicReadsNothing()
    {
        var topic = Name("authz-fetch");
        var topicId = await RawScenario.CreateTopicAsync(_admin, topic);
        await RawScenario.AppendAsync(_admin, topic, 0, BatchOf(3, "f"));

        foreach (var version in new short[] { 12, 17 })
        {
            Acls.Clear();
            var denied = SingleFetched(await CallAsync<FetchResponse>(FetchOf(topic, topicId, version), version));
            AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode, $"v{version}");
            Assert.True(denied.Records is not { Length: > 0 }, "records came back without Read");

            // Describe is not Read.
            Grant(AclOperation.Describe, ResourceType.Topic, topic);
            denied = SingleFetched(await CallAsync<FetchResponse>(FetchOf(topic, topicId, version), version));
            AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode, $"v{version}");

            Grant(AclOperation.Read, ResourceType.Topic, topic);
            var allowed = SingleFetched(await CallAsync<FetchResponse>(FetchOf(topic, topicId, version), version));
            AssertError(ErrorCode.None, allowed.ErrorCode, $"v{version}");
            Assert.True(allowed.Records is { Length: > 0 }, "no records with Read");
        }
    }

    [Fact]
    public async Task AFollowerFetchNeedsClusterActionNotRead()
    {
        var topic = Name("authz-follower");
        var topicId = await RawScenario.CreateTopicAsync(_admin, topic);
        await RawScenario.AppendAsync(_admin, topic, 0, BatchOf(1, "f"));
        Grant(AclOperation.Read, ResourceType.Topic, topic);
        var request = FetchOf(topic, topicId, 12);
        request.ReplicaId = 7;

        var denied = SingleFetched(await CallAsync<FetchResponse>(request, 12));
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(1, Acls.Asked(AclOperation.ClusterAction, ResourceType.Cluster, ResourcePattern.ClusterResourceName));

        GrantCluster(AclOperation.ClusterAction);
        var allowed = SingleFetched(await CallAsync<FetchResponse>(request, 12));
        Assert.NotEqual((short)ErrorCode.TopicAuthorizationFailed, allowed.ErrorCode);
    }

    [Fact]
    public async Task ListOffsetsNeedsDescribeOnTheTopicWhetherOrNotItExists()
    {
        var topic = Name("authz-list-offsets");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var missing = Name("authz-list-offsets-missing");

        foreach (var name in new[] { topic, missing })
        {
            var denied = Assert.Single(Assert.Single((await CallAsync<ListOffsetsResponse>(ListOffsetsOf(name), 7)).Topics).Partitions);
            AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode, name);
            Assert.Equal(-1, denied.Offset);
        }

        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        Grant(AclOperation.Describe, ResourceType.Topic, missing);
        AssertError(ErrorCode.None, Assert.Single(Assert.Single((await CallAsync<ListOffsetsResponse>(ListOffsetsOf(topic), 7)).Topics).Partitions).ErrorCode);
        AssertError(ErrorCode.UnknownTopicOrPartition, Assert.Single(Assert.Single((await CallAsync<ListOffsetsResponse>(ListOffsetsOf(missing), 7)).Topics).Partitions).ErrorCode);
    }

    [Fact]
    public async Task OffsetForLeaderEpochNeedsDescribeOnTheTopicOrClusterAction()
    {
        var topic = Name("authz-ofle");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var request = new OffsetForLeaderEpochRequest { ReplicaId = -1 };
        var t = new OffsetForLeaderEpochRequest.OffsetForLeaderTopic { Topic = topic };
        t.Partitions.Add(new OffsetForLeaderEpochRequest.OffsetForLeaderPartition { Partition = 0, CurrentLeaderEpoch = -1, LeaderEpoch = 0 });
        request.Topics.Add(t);

        var denied = Assert.Single(Assert.Single((await CallAsync<OffsetForLeaderEpochResponse>(request, 4)).Topics).Partitions);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(-1, denied.EndOffset);

        GrantCluster(AclOperation.ClusterAction);
        AssertError(ErrorCode.None, Assert.Single(Assert.Single((await CallAsync<OffsetForLeaderEpochResponse>(request, 4)).Topics).Partitions).ErrorCode);
        Acls.Clear();
        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single(Assert.Single((await CallAsync<OffsetForLeaderEpochResponse>(request, 4)).Topics).Partitions).ErrorCode);
    }

    [Fact]
    public async Task DeleteRecordsWithoutDeleteOnTheTopicKeepsTheRecords()
    {
        var topic = Name("authz-delete-records");
        await RawScenario.CreateTopicAsync(_admin, topic);
        await RawScenario.AppendAsync(_admin, topic, 0, BatchOf(4, "d"));
        var request = new DeleteRecordsRequest { TimeoutMs = 30_000 };
        var t = new DeleteRecordsRequest.DeleteRecordsTopic { Name = topic };
        t.Partitions.Add(new DeleteRecordsRequest.DeleteRecordsPartition { PartitionIndex = 0, Offset = 2 });
        request.Topics.Add(t);

        Grant(AclOperation.Read, ResourceType.Topic, topic);
        var denied = Assert.Single(Assert.Single((await CallAsync<DeleteRecordsResponse>(request, 2)).Topics).Partitions);
        AssertError(ErrorCode.TopicAuthorizationFailed, denied.ErrorCode);
        AssertError(ErrorCode.None, (await RawScenario.ListOffsetAsync(_admin, topic, 0, -2)).ErrorCode);
        Assert.Equal(0, (await RawScenario.ListOffsetAsync(_admin, topic, 0, -2)).Offset);

        Grant(AclOperation.Delete, ResourceType.Topic, topic);
        var allowed = Assert.Single(Assert.Single((await CallAsync<DeleteRecordsResponse>(request, 2)).Topics).Partitions);
        AssertError(ErrorCode.None, allowed.ErrorCode);
        Assert.Equal(2, (await RawScenario.ListOffsetAsync(_admin, topic, 0, -2)).Offset);
    }

    [Fact]
    public async Task DescribeProducersNeedsReadOnTheTopic()
    {
        var topic = Name("authz-describe-producers");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var request = new DescribeProducersRequest();
        request.Topics.Add(new DescribeProducersRequest.TopicRequest { Name = topic, PartitionIndexes = [0] });

        Grant(AclOperation.Describe, ResourceType.Topic, topic);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single(Assert.Single((await CallAsync<DescribeProducersResponse>(request, 0)).Topics).Partitions).ErrorCode);
        Grant(AclOperation.Read, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single(Assert.Single((await CallAsync<DescribeProducersResponse>(request, 0)).Topics).Partitions).ErrorCode);
    }

    private static FetchRequest FetchOf(string topic, Guid topicId, short version)
    {
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 0, MinBytes = 1, MaxBytes = 1024 * 1024, SessionEpoch = -1 };
        request.ReplicaState.ReplicaId = -1;
        var fetchTopic = new FetchRequest.FetchTopic { Topic = version >= 13 ? "" : topic, TopicId = version >= 13 ? topicId : Guid.Empty };
        fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1024 * 1024, CurrentLeaderEpoch = -1, LastFetchedEpoch = -1 });
        request.Topics.Add(fetchTopic);
        return request;
    }

    private static FetchResponse.PartitionData SingleFetched(FetchResponse response)
    {
        AssertError(ErrorCode.None, response.ErrorCode, "fetch");
        return Assert.Single(Assert.Single(response.Responses).Partitions);
    }

    private static ListOffsetsRequest ListOffsetsOf(string topic)
    {
        var request = new ListOffsetsRequest { ReplicaId = -1 };
        var t = new ListOffsetsRequest.ListOffsetsTopic { Name = topic };
        t.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1, CurrentLeaderEpoch = -1 });
        request.Topics.Add(t);
        return request;
    }
}
