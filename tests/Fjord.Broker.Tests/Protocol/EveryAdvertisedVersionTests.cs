using System.Buffers.Binary;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Every API and every version the broker advertises, driven at that exact version with the
/// generated codecs: each response must decode with no trailing bytes and carry the right
/// data. One test case per version, so a broken version names itself.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class EveryAdvertisedVersionTests(ProtocolBrokerFixture fixture) : IClassFixture<ProtocolBrokerFixture>, IAsyncLifetime
{
    private RawKafkaClient _client = null!;

    private FjordTestCluster Host => fixture.Cluster;

    /// <summary>What the broker promises in ApiVersions; each range is tested version by version below.</summary>
    public static readonly IReadOnlyDictionary<ApiKey, (short Min, short Max)> AdvertisedRanges = new Dictionary<ApiKey, (short, short)>
    {
        [ApiKey.Produce] = (3, 11),
        [ApiKey.InitProducerId] = (0, 5),
        [ApiKey.Fetch] = (4, 17),
        [ApiKey.ListOffsets] = (1, 10),
        [ApiKey.Metadata] = (0, 12),
        [ApiKey.DescribeConfigs] = (0, 4),
        [ApiKey.AlterConfigs] = (0, 2),
        [ApiKey.ApiVersions] = (0, 4),
        [ApiKey.CreateTopics] = (0, 7),
        [ApiKey.DeleteTopics] = (0, 6),
        [ApiKey.DeleteRecords] = (0, 2),
        [ApiKey.OffsetForLeaderEpoch] = (0, 4),
        [ApiKey.CreatePartitions] = (0, 3),
        [ApiKey.IncrementalAlterConfigs] = (0, 1),
        [ApiKey.DescribeCluster] = (0, 1),
        [ApiKey.DescribeProducers] = (0, 0),
        [ApiKey.ElectLeaders] = (0, 2),
        [ApiKey.AlterPartitionReassignments] = (0, 0),
        [ApiKey.ListPartitionReassignments] = (0, 0),
        [ApiKey.FindCoordinator] = (0, 5),
        [ApiKey.JoinGroup] = (0, 9),
        [ApiKey.SyncGroup] = (0, 5),
        [ApiKey.Heartbeat] = (0, 4),
        [ApiKey.LeaveGroup] = (0, 5),
        [ApiKey.OffsetCommit] = (0, 9),
        [ApiKey.OffsetFetch] = (0, 9),
        [ApiKey.OffsetDelete] = (0, 0),
        [ApiKey.ListGroups] = (0, 5),
        [ApiKey.DescribeGroups] = (0, 5),
        [ApiKey.DeleteGroups] = (0, 2),
        [ApiKey.AddPartitionsToTxn] = (0, 5),
        [ApiKey.AddOffsetsToTxn] = (0, 4),
        [ApiKey.EndTxn] = (0, 5),
        [ApiKey.TxnOffsetCommit] = (0, 4),
        [ApiKey.WriteTxnMarkers] = (0, 1),
        [ApiKey.DescribeTransactions] = (0, 0),
        [ApiKey.ListTransactions] = (0, 1),
        [ApiKey.SaslHandshake] = (0, 1),
        [ApiKey.SaslAuthenticate] = (0, 2),
        [ApiKey.CreateAcls] = (0, 3),
        [ApiKey.DescribeAcls] = (0, 3),
        [ApiKey.DeleteAcls] = (0, 3),
        [ApiKey.DescribeUserScramCredentials] = (0, 0),
        [ApiKey.AlterUserScramCredentials] = (0, 0),
        [ApiKey.DescribeClientQuotas] = (0, 1),
        [ApiKey.AlterClientQuotas] = (0, 1),
    };

    public static TheoryData<short> Versions(int min, int max)
    {
        var data = new TheoryData<short>();
        for (var v = min; v <= max; v++) data.Add((short)v);
        return data;
    }

    public async Task InitializeAsync() => _client = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task ApiVersionsListsExactlyTheCatalogRangesAtEveryVersion(short version)
    {
        var request = new ApiVersionsRequest { ClientSoftwareName = "fjord-raw-tests", ClientSoftwareVersion = "1.0" };
        var response = await _client.SendAsync<ApiVersionsResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        var advertised = response.ApiKeys.ToDictionary(k => (ApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion));
        Assert.Equal(AdvertisedRanges.OrderBy(kv => kv.Key), advertised.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task AnApiVersionsRequestAtAnUnknownVersionGetsAV0AnswerWithUnsupportedVersionAndTheRanges()
    {
        // KIP-511: the header of a version the broker does not know may be unparseable, so the
        // broker answers v0 (response header v0) and the client downgrades from the ranges.
        var frame = HandMadeRequest(ApiKey.ApiVersions, 99, correlationId: 4242, body: [0x01, 0x02, 0x03, 0x00]);
        await _client.SendRawAsync(frame);
        var answer = await _client.ReadFrameAsync(TimeSpan.FromSeconds(15));
        Assert.NotNull(answer);
        var response = RawKafkaClient.Decode<ApiVersionsResponse>(answer, ApiKey.ApiVersions, 0, 4242);
        Assert.Equal((short)ErrorCode.UnsupportedVersion, response.ErrorCode);
        Assert.Equal(AdvertisedRanges.OrderBy(kv => kv.Key),
            response.ApiKeys.ToDictionary(k => (ApiKey)k.ApiKey, k => (k.MinVersion, k.MaxVersion)).OrderBy(kv => kv.Key));
        // The connection stays usable: the client now negotiates down and carries on.
        var next = await _client.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest(), 0);
        Assert.Equal(0, next.ErrorCode);
    }

    /// <summary>A request with header v1 (int16 api key, version, int32 correlation id, nullable string client id) and a raw body.</summary>
    internal static byte[] HandMadeRequest(ApiKey apiKey, short version, int correlationId, byte[] body)
    {
        var clientId = "raw"u8;
        var frame = new byte[4 + 2 + 2 + 4 + 2 + clientId.Length + body.Length];
        var span = frame.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, frame.Length - 4);
        BinaryPrimitives.WriteInt16BigEndian(span[4..], (short)apiKey);
        BinaryPrimitives.WriteInt16BigEndian(span[6..], version);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], correlationId);
        BinaryPrimitives.WriteInt16BigEndian(span[12..], (short)clientId.Length);
        clientId.CopyTo(span[14..]);
        body.CopyTo(span[(14 + clientId.Length)..]);
        return frame;
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 7)]
    public async Task CreateTopicsCreatesATopicAtEveryVersion(short version)
    {
        var name = $"t-create-v{version}";
        var request = new CreateTopicsRequest { TimeoutMs = 30_000 };
        var topic = new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = 2, ReplicationFactor = 1 };
        topic.Configs.Add(new CreateTopicsRequest.CreatableTopicConfig { Name = "retention.ms", Value = "123456" });
        request.Topics.Add(topic);
        var response = await _client.SendAsync<CreateTopicsResponse>(request, version);

        var result = Assert.Single(response.Topics);
        Assert.Equal(name, result.Name);
        Assert.Equal(0, result.ErrorCode);
        if (version >= 5)
        {
            Assert.Equal(2, result.NumPartitions);
            Assert.Equal(1, result.ReplicationFactor);
            Assert.NotNull(result.Configs);
            Assert.Contains(result.Configs, c => c.Name == "retention.ms" && c.Value == "123456");
        }
        if (version >= 7) Assert.NotEqual(Guid.Empty, result.TopicId);

        var metadata = await MetadataForAsync(name);
        Assert.Equal(2, metadata.Partitions.Count);
        if (version >= 7) Assert.Equal(result.TopicId, metadata.TopicId);

        // The same name again is refused, at every version.
        var again = await _client.SendAsync<CreateTopicsResponse>(request, version);
        Assert.Equal((short)ErrorCode.TopicAlreadyExists, Assert.Single(again.Topics).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 1, 7)]
    public async Task CreateTopicsValidateOnlyCreatesNothingFromVersion1(short version)
    {
        var name = $"t-create-validate-v{version}";
        var request = new CreateTopicsRequest { TimeoutMs = 30_000, ValidateOnly = true };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = 3, ReplicationFactor = 1 });
        var response = await _client.SendAsync<CreateTopicsResponse>(request, version);
        Assert.Equal(0, Assert.Single(response.Topics).ErrorCode);
        var metadata = await MetadataAsync([name], version: 12, allowAutoCreation: false);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, Assert.Single(metadata.Topics).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public async Task MetadataDescribesTopicsAtEveryVersion(short version)
    {
        var name = $"t-meta-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, name, partitions: 3);

        var response = await MetadataAsync([name], version, allowAutoCreation: false);
        var broker = Assert.Single(response.Brokers);
        Assert.Equal(0, broker.NodeId);
        Assert.Equal(Host[0].Port, broker.Port);
        if (version >= 1) Assert.Equal(0, response.ControllerId);
        if (version >= 2) Assert.False(string.IsNullOrEmpty(response.ClusterId));
        var topic = Assert.Single(response.Topics);
        Assert.Equal(0, topic.ErrorCode);
        Assert.Equal(name, topic.Name);
        Assert.Equal(version >= 10 ? topicId : Guid.Empty, topic.TopicId);
        Assert.Equal([0, 1, 2], topic.Partitions.Select(p => p.PartitionIndex).Order());
        Assert.All(topic.Partitions, p =>
        {
            Assert.Equal(0, p.LeaderId);
            Assert.Equal([0], p.ReplicaNodes);
            Assert.Equal([0], p.IsrNodes);
        });

        // All topics: an empty list at v0, a null list from v1.
        var all = await _client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = version == 0 ? [] : null }, version);
        Assert.Contains(all.Topics, t => t.Name == name);

        if (version >= 10)
        {
            // From v10 a topic may be named by its id alone.
            var byId = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = null, TopicId = topicId }] };
            var described = Assert.Single((await _client.SendAsync<MetadataResponse>(byId, version)).Topics);
            Assert.Equal(0, described.ErrorCode);
            Assert.Equal(name, described.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public async Task MetadataAutoCreatesAnUnknownTopicOnlyWhenAllowed(short version)
    {
        // Before v4 there is no flag and the broker setting alone decides (on by default).
        var created = $"t-meta-auto-v{version}";
        var response = await MetadataAsync([created], version, allowAutoCreation: true);
        var topic = Assert.Single(response.Topics);
        Assert.Equal(created, topic.Name);
        Assert.Equal(0, topic.ErrorCode);
        Assert.NotEmpty(topic.Partitions);
        Assert.Contains(created, Host.InProcess().Metadata.Current.TopicsByName.Keys);

        if (version >= 4)
        {
            var refused = $"t-meta-noauto-v{version}";
            var answer = Assert.Single((await MetadataAsync([refused], version, allowAutoCreation: false)).Topics);
            Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, answer.ErrorCode);
            Assert.DoesNotContain(refused, Host.InProcess().Metadata.Current.TopicsByName.Keys);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task DescribeClusterNamesThisBrokerAtEveryVersion(short version)
    {
        var response = await _client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 1 }, version);
        Assert.Equal(0, response.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.ClusterId));
        Assert.Equal(Host.InProcess().Metadata.Current.ClusterId, response.ClusterId);
        Assert.Equal(0, response.ControllerId);
        var broker = Assert.Single(response.Brokers);
        Assert.Equal(0, broker.BrokerId);
        Assert.Equal(Host[0].Port, broker.Port);
        if (version >= 1)
        {
            Assert.Equal(1, response.EndpointType);
            var controller = await _client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 2 }, version);
            Assert.Equal((short)ErrorCode.MismatchedEndpointType, controller.ErrorCode);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 6)]
    public async Task DeleteTopicsDeletesATopicAtEveryVersion(short version)
    {
        var name = $"t-delete-v{version}";
        var topicId = await RawScenario.CreateTopicAsync(_client, name, partitions: 2);
        await RawScenario.AppendAsync(_client, name, 1, new Fjord.Testing.Records.RecordBatchBuilder().Add("k", "v").Build());

        var request = new DeleteTopicsRequest { TimeoutMs = 30_000 };
        if (version >= 6) request.Topics.Add(new DeleteTopicsRequest.DeleteTopicState { Name = null, TopicId = topicId });
        else request.TopicNames.Add(name);
        var response = await _client.SendAsync<DeleteTopicsResponse>(request, version);

        var result = Assert.Single(response.Responses);
        Assert.Equal(0, result.ErrorCode);
        Assert.Equal(name, result.Name);
        if (version >= 6) Assert.Equal(topicId, result.TopicId);
        var metadata = Assert.Single((await MetadataAsync([name], 12, allowAutoCreation: false)).Topics);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, metadata.ErrorCode);
        Assert.False(Directory.Exists(Path.Combine(Host[0].LogDir, name + "-1")));

        // Deleting it again names the problem instead of succeeding.
        var again = Assert.Single((await _client.SendAsync<DeleteTopicsResponse>(request, version)).Responses);
        Assert.Equal((short)(version >= 6 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition), again.ErrorCode);
    }

    private async Task<MetadataResponse> MetadataAsync(IEnumerable<string> names, short version, bool allowAutoCreation)
    {
        var request = new MetadataRequest { Topics = [.. names.Select(n => new MetadataRequest.MetadataRequestTopic { Name = n })], AllowAutoTopicCreation = allowAutoCreation };
        return await _client.SendAsync<MetadataResponse>(request, version);
    }

    private async Task<MetadataResponse.MetadataResponseTopic> MetadataForAsync(string name)
    {
        var topic = Assert.Single((await MetadataAsync([name], 12, allowAutoCreation: false)).Topics);
        Assert.Equal(0, topic.ErrorCode);
        return topic;
    }
}
