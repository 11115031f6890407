using System.Text;
using Fjord.Broker.Metadata;
using Fjord.Broker.Network;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Broker.Tests.Protocol;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Fjord.Testing.Records;

namespace Fjord.Broker.Tests.Tenancy.Topics;

/// <summary>
/// Two tenants on one broker, each through the real handlers: they use the same topic names without meeting, each
/// lists, produces to, fetches from, configures and deletes only its own topics, and the other's topic ids are to it
/// ids that do not exist. Each test uses its own topic names.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class TenantTopicsEndToEndTests(TenantBrokerFixture fixture) : IClassFixture<TenantBrokerFixture>
{
    private static readonly long RecentTimestamp = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();

    private TenantScope Acme => fixture.Acme;
    private TenantScope Globex => fixture.Globex;

    private static string Name(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    private static byte[] BatchOf(int records, string tag)
    {
        var builder = new RecordBatchBuilder(RecentTimestamp);
        for (var i = 0; i < records; i++)
            builder.Add((byte[]?)null, Encoding.UTF8.GetBytes($"{tag}-{i}"), timestampDelta: i);
        return builder.Build();
    }

    private Task<TResponse?> SendAsync<TResponse>(ClientSession session, IKafkaMessage request, short version)
        where TResponse : class, IKafkaMessage, new() => fixture.SendAsync<TResponse>(session, request, version);

    private async Task<TResponse> CallAsync<TResponse>(TenantScope tenant, IKafkaMessage request, short version)
        where TResponse : class, IKafkaMessage, new() =>
        await SendAsync<TResponse>(fixture.Session(tenant), request, version) ?? throw new InvalidOperationException("no response");

    private async Task<CreateTopicsResponse.CreatableTopicResult> CreateAsync(TenantScope tenant, string name, int partitions = 1)
    {
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = partitions, ReplicationFactor = 1 });
        return Assert.Single((await CallAsync<CreateTopicsResponse>(tenant, request, 7)).Topics);
    }

    private async Task<Guid> CreateOkAsync(TenantScope tenant, string name, int partitions = 1)
    {
        var result = await CreateAsync(tenant, name, partitions);
        Assert.True(result.ErrorCode == 0, $"creating {name} for {tenant.Id}: {(ErrorCode)result.ErrorCode} {result.ErrorMessage}");
        Assert.Equal(name, result.Name);
        return result.TopicId;
    }

    private async Task ProduceOkAsync(TenantScope tenant, string topic, byte[] batch)
    {
        var response = await CallAsync<ProduceResponse>(tenant, RawScenario.ProduceRequestFor(topic, 0, batch), 11);
        var result = Assert.Single(response.Responses);
        Assert.Equal(topic, result.Name);
        var partition = Assert.Single(result.PartitionResponses);
        Assert.True(partition.ErrorCode == 0, $"produce: {(ErrorCode)partition.ErrorCode} {partition.ErrorMessage}");
    }

    private static FetchRequest FetchOf(string topic, Guid topicId, short version, int sessionEpoch = -1, int sessionId = 0)
    {
        var request = new FetchRequest { ReplicaId = -1, MaxWaitMs = 0, MinBytes = 1, MaxBytes = 1024 * 1024, SessionEpoch = sessionEpoch, SessionId = sessionId };
        request.ReplicaState.ReplicaId = -1;
        if (topic.Length > 0 || topicId != Guid.Empty)
        {
            var fetchTopic = new FetchRequest.FetchTopic { Topic = version >= 13 ? "" : topic, TopicId = version >= 13 ? topicId : Guid.Empty };
            fetchTopic.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0, FetchOffset = 0, PartitionMaxBytes = 1024 * 1024, CurrentLeaderEpoch = -1, LastFetchedEpoch = -1 });
            request.Topics.Add(fetchTopic);
        }
        return request;
    }

    private static MetadataRequest MetadataOf(params Guid[] ids) => new()
    {
        Topics = [.. ids.Select(id => new MetadataRequest.MetadataRequestTopic { Name = null, TopicId = id })],
    };

    [Fact]
    public async Task TwoTenantsUseTheSameTopicNameAndEachListsOnlyItsOwnTopics()
    {
        var name = Name("orders");
        var acmeId = await CreateOkAsync(Acme, name);
        var globexId = await CreateOkAsync(Globex, name);
        Assert.NotEqual(acmeId, globexId);
        Assert.True(fixture.Cluster.InProcess().Metadata.Current.TopicsByName.ContainsKey("acme." + name));

        foreach (var version in new short[] { 0, 1, 12 })
        {
            var all = await CallAsync<MetadataResponse>(Acme, new MetadataRequest { Topics = version == 0 ? [] : null }, version);
            var listed = all.Topics.Select(t => t.Name!).ToList();
            Assert.Contains(name, listed);
            Assert.DoesNotContain(listed, n => n.StartsWith(Acme.Prefix, StringComparison.Ordinal) || n.StartsWith(Globex.Prefix, StringComparison.Ordinal));
            Assert.DoesNotContain(TopicNames.ConsumerOffsets, listed);
            Assert.All(all.Topics, t => Assert.False(t.IsInternal));
            if (version >= 2) Assert.Equal("acme-cluster", all.ClusterId);
            if (version >= 10) Assert.Equal(acmeId, all.Topics.Single(t => t.Name == name).TopicId);
        }

        var cluster = await CallAsync<DescribeClusterResponse>(Globex, new DescribeClusterRequest { IncludeClusterAuthorizedOperations = true }, 1);
        Assert.Equal("globex-cluster", cluster.ClusterId);
        Assert.NotEqual(0, cluster.ClusterAuthorizedOperations);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(17)]
    public async Task EachTenantFetchesWhatItProducedToItsOwnTopic(short version)
    {
        var name = Name("events");
        var acmeId = await CreateOkAsync(Acme, name);
        var globexId = await CreateOkAsync(Globex, name);
        await ProduceOkAsync(Acme, name, BatchOf(3, "acme"));
        await ProduceOkAsync(Globex, name, BatchOf(1, "globex"));

        var acme = Assert.Single((await CallAsync<FetchResponse>(Acme, FetchOf(name, acmeId, version), version)).Responses);
        var globex = Assert.Single((await CallAsync<FetchResponse>(Globex, FetchOf(name, globexId, version), version)).Responses);

        if (version >= 13)
        {
            Assert.Equal(acmeId, acme.TopicId);
            Assert.Equal(globexId, globex.TopicId);
        }
        else
        {
            Assert.Equal(name, acme.Topic);
            Assert.Equal(name, globex.Topic);
        }
        Assert.Equal(3, Assert.Single(acme.Partitions).HighWatermark);
        Assert.Equal(1, Assert.Single(globex.Partitions).HighWatermark);
        Assert.Equal(3, RawScenario.LogEndOffset(fixture.Cluster, "acme." + name, 0));

        var offsets = new ListOffsetsRequest { ReplicaId = -1 };
        var topic = new ListOffsetsRequest.ListOffsetsTopic { Name = name };
        topic.Partitions.Add(new ListOffsetsRequest.ListOffsetsPartition { PartitionIndex = 0, Timestamp = -1, CurrentLeaderEpoch = -1 });
        offsets.Topics.Add(topic);
        var listed = Assert.Single((await CallAsync<ListOffsetsResponse>(Globex, offsets, 10)).Topics);
        Assert.Equal(name, listed.Name);
        Assert.Equal(1, Assert.Single(listed.Partitions).Offset);
    }

    [Fact]
    public async Task AnAcksZeroProduceIsAppendedInTheTenantsTopicWithoutAResponse()
    {
        var name = Name("fire-and-forget");
        await CreateOkAsync(Acme, name);

        var response = await SendAsync<ProduceResponse>(fixture.Session(Acme), RawScenario.ProduceRequestFor(name, 0, BatchOf(2, "x"), acks: 0), 9);

        Assert.Null(response);
        Assert.Equal(2, RawScenario.LogEndOffset(fixture.Cluster, "acme." + name, 0));
    }

    [Fact]
    public async Task AnotherTenantsTopicIdIsToMetadataAnIdThatDoesNotExist()
    {
        var name = Name("secret");
        var globexId = await CreateOkAsync(Globex, name);
        var unknown = Guid.NewGuid();

        var response = await CallAsync<MetadataResponse>(Acme, MetadataOf(globexId, unknown), 12);

        Assert.Equal([globexId, unknown], response.Topics.Select(t => t.TopicId));
        Assert.All(response.Topics, t =>
        {
            Assert.Equal((short)ErrorCode.UnknownTopicId, t.ErrorCode);
            Assert.Null(t.Name);
            Assert.Empty(t.Partitions);
        });
        // The owner still sees it.
        var own = Assert.Single((await CallAsync<MetadataResponse>(Globex, MetadataOf(globexId), 12)).Topics);
        Assert.Equal(name, own.Name);
    }

    [Fact]
    public async Task AnotherTenantsTopicIdIsToFetchAnIdThatDoesNotExist()
    {
        var name = Name("private");
        var globexId = await CreateOkAsync(Globex, name);
        await ProduceOkAsync(Globex, name, BatchOf(2, "g"));

        var theirs = Assert.Single((await CallAsync<FetchResponse>(Acme, FetchOf("", globexId, 17), 17)).Responses);
        var unknown = Guid.NewGuid();
        var nobodys = Assert.Single((await CallAsync<FetchResponse>(Acme, FetchOf("", unknown, 17), 17)).Responses);

        Assert.Equal(globexId, theirs.TopicId);
        Assert.Equal(unknown, nobodys.TopicId);
        var (p1, p2) = (Assert.Single(theirs.Partitions), Assert.Single(nobodys.Partitions));
        Assert.Equal((short)ErrorCode.UnknownTopicId, p1.ErrorCode);
        Assert.Equal((p2.ErrorCode, p2.HighWatermark, p2.LogStartOffset, p2.Records?.Length ?? 0), (p1.ErrorCode, p1.HighWatermark, p1.LogStartOffset, p1.Records?.Length ?? 0));
    }

    [Fact]
    public async Task AnIncrementalFetchSessionKeepsAnsweringInTheTenantsIds()
    {
        var name = Name("session");
        var acmeId = await CreateOkAsync(Acme, name);
        var globexId = await CreateOkAsync(Globex, Name("other"));
        await ProduceOkAsync(Acme, name, BatchOf(1, "a"));
        var session = fixture.Session(Acme);

        // A new session (epoch 0) with the tenant's topic and the other tenant's id.
        var full = FetchOf("", acmeId, 17, sessionEpoch: 0);
        var foreign = new FetchRequest.FetchTopic { TopicId = globexId };
        foreign.Partitions.Add(new FetchRequest.FetchPartition { Partition = 0, PartitionMaxBytes = 1024, CurrentLeaderEpoch = -1, LastFetchedEpoch = -1 });
        full.Topics.Add(foreign);
        var first = (await SendAsync<FetchResponse>(session, full, 17))!;
        Assert.NotEqual(0, first.SessionId);
        Assert.Equal([acmeId, globexId], first.Responses.Select(t => t.TopicId));
        Assert.Equal((short)ErrorCode.UnknownTopicId, first.Responses[1].Partitions[0].ErrorCode);

        // Incremental: nothing named; new data on the tenant's topic, the unknown id still in error.
        await ProduceOkAsync(Acme, name, BatchOf(1, "b"));
        var next = FetchOf("", Guid.Empty, 17, sessionEpoch: 1, sessionId: first.SessionId);
        next.Topics.Clear();
        var second = (await SendAsync<FetchResponse>(session, next, 17))!;
        Assert.Equal((short)ErrorCode.None, second.ErrorCode);
        Assert.Contains(second.Responses, t => t.TopicId == acmeId && t.Partitions[0].HighWatermark == 2);
        Assert.All(second.Responses, t => Assert.Contains(t.TopicId, new[] { acmeId, globexId }));

        // Forgetting the other tenant's id by the id the tenant knows removes it from the session.
        var forget = FetchOf("", Guid.Empty, 17, sessionEpoch: 2, sessionId: first.SessionId);
        forget.ForgottenTopicsData.Add(new FetchRequest.ForgottenTopic { TopicId = globexId, Partitions = [0] });
        var third = (await SendAsync<FetchResponse>(session, forget, 17))!;
        Assert.Equal((short)ErrorCode.None, third.ErrorCode);
        Assert.DoesNotContain(third.Responses, t => t.TopicId == globexId);
    }

    [Fact]
    public async Task DeletingAnotherTenantsTopicByIdAnswersUnknownTopicIdAndDeletesNothing()
    {
        var name = Name("keep");
        var globexId = await CreateOkAsync(Globex, name);
        var request = new DeleteTopicsRequest { TimeoutMs = 30_000 };
        request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = globexId });

        var result = Assert.Single((await CallAsync<DeleteTopicsResponse>(Acme, request, 6)).Responses);

        Assert.Equal((short)ErrorCode.UnknownTopicId, result.ErrorCode);
        Assert.Equal(globexId, result.TopicId);
        Assert.Null(result.Name);
        Assert.Equal($"Topic id {globexId} does not exist", result.ErrorMessage);
        Assert.True(fixture.Cluster.InProcess().Metadata.Current.TopicsById.ContainsKey(globexId));

        // By name, acme's "keep" is its own (missing) topic, not globex's.
        var byName = new DeleteTopicsRequest { TimeoutMs = 30_000, TopicNames = [name] };
        var missing = Assert.Single((await CallAsync<DeleteTopicsResponse>(Acme, byName, 5)).Responses);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, missing.ErrorCode);
        Assert.Equal(name, missing.Name);
        Assert.True(fixture.Cluster.InProcess().Metadata.Current.TopicsById.ContainsKey(globexId));
    }

    [Fact]
    public async Task ATopicNameIsLimitedTo249LessTheTenantsPrefix()
    {
        var stem = Name("long");
        var longest = stem + new string('x', Acme.MaxTopicNameLength - stem.Length);
        await CreateOkAsync(Acme, longest);
        Assert.True(fixture.Cluster.InProcess().Metadata.Current.TopicsByName.ContainsKey("acme." + longest));

        var tooLong = await CreateAsync(Acme, longest + "y");
        Assert.Equal((short)ErrorCode.InvalidTopicException, tooLong.ErrorCode);
        Assert.Equal(longest + "y", tooLong.Name);
        Assert.Contains($"{Acme.MaxTopicNameLength} characters", tooLong.ErrorMessage, StringComparison.Ordinal);

        foreach (var name in new[] { ".", ".." })
            Assert.Equal((short)ErrorCode.InvalidTopicException, (await CreateAsync(Acme, name)).ErrorCode);
        // Auto-creation refuses what CreateTopics refuses.
        var metadata = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = ".." }], AllowAutoTopicCreation = true };
        var refused = Assert.Single((await CallAsync<MetadataResponse>(Acme, metadata, 12)).Topics);
        Assert.Equal((short)ErrorCode.InvalidTopicException, refused.ErrorCode);
        Assert.Equal("..", refused.Name);
        Assert.DoesNotContain(fixture.Cluster.InProcess().Metadata.Current.TopicsByName.Keys, n => n.StartsWith("acme..", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ATenantConfiguresItsTopicsButNotTheBrokers()
    {
        var name = Name("configured");
        await CreateOkAsync(Acme, name);
        var alter = new IncrementalAlterConfigsRequest();
        var broker = new IncrementalAlterConfigsRequest.AlterConfigsResource { ResourceType = (sbyte)ConfigResourceType.Broker, ResourceName = "" };
        broker.Configs.Add(new IncrementalAlterConfigsRequest.AlterableConfig { Name = "log.retention.ms", ConfigOperation = 0, Value = "1" });
        var topic = new IncrementalAlterConfigsRequest.AlterConfigsResource { ResourceType = (sbyte)ConfigResourceType.Topic, ResourceName = name };
        topic.Configs.Add(new IncrementalAlterConfigsRequest.AlterableConfig { Name = "retention.ms", ConfigOperation = 0, Value = "123456" });
        alter.Resources.AddRange([broker, topic]);

        var altered = (await CallAsync<IncrementalAlterConfigsResponse>(Acme, alter, 1)).Responses;

        Assert.Equal([(short)ErrorCode.ClusterAuthorizationFailed, (short)ErrorCode.None], altered.Select(r => r.ErrorCode));
        Assert.Equal(["", name], altered.Select(r => r.ResourceName));

        var describe = new DescribeConfigsRequest();
        describe.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = (sbyte)ConfigResourceType.Topic, ResourceName = name, ConfigurationKeys = ["retention.ms"] });
        describe.Resources.Add(new DescribeConfigsRequest.DescribeConfigsResource { ResourceType = (sbyte)ConfigResourceType.Broker, ResourceName = "" });
        var described = (await CallAsync<DescribeConfigsResponse>(Acme, describe, 4)).Results;
        Assert.Equal([name, ""], described.Select(r => r.ResourceName));
        Assert.Equal((short)ErrorCode.None, described[0].ErrorCode);
        Assert.Equal("123456", Assert.Single(described[0].Configs).Value);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, described[1].ErrorCode);
        Assert.Empty(described[1].Configs);

        // The other tenant's topic of that name does not exist for it.
        describe.Resources.RemoveAt(1);
        var missing = Assert.Single((await CallAsync<DescribeConfigsResponse>(Globex, describe, 4)).Results);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, missing.ErrorCode);
        Assert.Equal($"Topic {name} does not exist", missing.ErrorMessage);
    }

    [Fact]
    public async Task LeadershipAndReassignmentsAreTheOperators()
    {
        var name = Name("placed");
        await CreateOkAsync(Acme, name);
        var elect = new ElectLeadersRequest { TopicPartitions = [new ElectLeadersRequest.TopicPartitionsData { Topic = name, Partitions = [0] }] };

        var elected = await CallAsync<ElectLeadersResponse>(Acme, elect, 2);
        var listed = await CallAsync<ListPartitionReassignmentsResponse>(Acme, new ListPartitionReassignmentsRequest { Topics = null }, 0);

        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, elected.ErrorCode);
        Assert.Equal(name, Assert.Single(elected.ReplicaElectionResults).Topic);
        Assert.Equal((short)ErrorCode.ClusterAuthorizationFailed, listed.ErrorCode);
        Assert.Empty(listed.Topics);
    }
}
