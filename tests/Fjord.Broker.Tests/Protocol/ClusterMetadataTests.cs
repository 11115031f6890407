using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.ClusterBrokerFixture;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Metadata, DescribeCluster, topic admin and the controller APIs of a broker in a cluster: what they
/// answer comes from the registered brokers, the controller lease and the partition states in the
/// store (written here by the test as the controller), at every advertised version.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class ClusterMetadataTests(ClusterBrokerFixture fixture) : IClassFixture<ClusterBrokerFixture>, IAsyncLifetime
{
    private const string Placed = "placed";

    private RawKafkaClient _client = null!;

    private FjordTestCluster Host => fixture.Cluster;

    public static TheoryData<short> Versions(int min, int max) => EveryAdvertisedVersionTests.Versions(min, max);

    public async Task InitializeAsync()
    {
        _client = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        if (!Host.InProcess().Metadata.Current.TopicsByName.ContainsKey(Placed))
        {
            // Broker 0 leads only a partition it alone replicates, so no ISR of these states changes under the test.
            await fixture.CreateTopicAsync(Placed, 4, 2);
            await fixture.WriteStatesAsync(
                State(Placed, 0, [0], 0, 3, [0]),
                State(Placed, 1, [OtherBroker, 0], OtherBroker, 5, [OtherBroker, 0]),
                State(Placed, 2, [OtherBroker, UnregisteredBroker], OtherBroker, 2, [OtherBroker]));
        }
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public async Task MetadataShowsEveryRegisteredBrokerTheLeaseHolderAndThePartitionStatesAtEveryVersion(short version)
    {
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = Placed }], AllowAutoTopicCreation = false };
        var response = await _client.SendAsync<MetadataResponse>(request, version);

        var self = Host.InProcess().AdvertisedListeners[0];
        Assert.Equal([0, OtherBroker], response.Brokers.Select(b => b.NodeId));
        Assert.Equal((self.Host, self.Port), (response.Brokers[0].Host, response.Brokers[0].Port));
        Assert.Equal(("127.0.0.1", OtherPort), (response.Brokers[1].Host, response.Brokers[1].Port));
        if (version >= 1)
        {
            Assert.Equal([SelfRack, OtherRack], response.Brokers.Select(b => b.Rack));
            Assert.Equal(ControllerId, response.ControllerId);
        }

        var topic = Assert.Single(response.Topics);
        Assert.Equal(0, topic.ErrorCode);
        var partitions = topic.Partitions.OrderBy(p => p.PartitionIndex).ToList();
        Assert.Equal(4, partitions.Count);

        Assert.Equal("error 0, leader 0, replicas [0], isr [0]", Describe(partitions[0]));
        Assert.Equal($"error 0, leader {OtherBroker}, replicas [{OtherBroker},0], isr [{OtherBroker},0]", Describe(partitions[1]));
        Assert.Equal($"error 0, leader {OtherBroker}, replicas [{OtherBroker},{UnregisteredBroker}], isr [{OtherBroker}]", Describe(partitions[2]));

        // Placed but never given a state: the client must wait and ask again.
        Assert.Equal((short)ErrorCode.LeaderNotAvailable, partitions[3].ErrorCode);
        Assert.Equal(-1, partitions[3].LeaderId);

        if (version >= 7) Assert.Equal([3, 5, 2], partitions.Take(3).Select(p => p.LeaderEpoch));
        if (version >= 5)
        {
            Assert.Empty(partitions[0].OfflineReplicas);
            Assert.Equal([UnregisteredBroker], partitions[2].OfflineReplicas);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 1, 12)]
    public async Task MetadataListsTheOffsetsTopicAsInternalAtEveryVersionThatCanSayIt(short version)
    {
        var all = await _client.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, version);
        var internalTopic = Assert.Single(all.Topics, t => t.Name == TopicNames.ConsumerOffsets);
        Assert.True(internalTopic.IsInternal);
        Assert.False(Assert.Single(all.Topics, t => t.Name == Placed).IsInternal);
    }

    [Fact]
    public async Task MetadataDescribesTheOffsetsTopicAsInternalWhenAskedByName()
    {
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = TopicNames.ConsumerOffsets }], AllowAutoTopicCreation = true };
        var topic = Assert.Single((await _client.SendAsync<MetadataResponse>(request, 12)).Topics);
        Assert.Equal(0, topic.ErrorCode);
        Assert.True(topic.IsInternal);
        Assert.Equal(OffsetsPartitions, topic.Partitions.Count);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public async Task DescribeClusterListsEveryRegisteredBrokerAndTheLeaseHolderAtEveryVersion(short version)
    {
        var response = await _client.SendAsync<DescribeClusterResponse>(new DescribeClusterRequest { EndpointType = 1 }, version);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(ControllerId, response.ControllerId);
        Assert.Equal(Host.InProcess().Metadata.Current.ClusterId, response.ClusterId);
        Assert.Equal([(0, SelfRack), (OtherBroker, OtherRack)], response.Brokers.Select(b => (b.BrokerId, b.Rack)).OrderBy(b => b.Item1));
        Assert.Equal(OtherPort, Assert.Single(response.Brokers, b => b.BrokerId == OtherBroker).Port);
    }

    [Fact]
    public async Task CreateTopicsAllowsAReplicationFactorUpToTheRegisteredBrokersAndNoMore()
    {
        var response = await CreateAsync(new CreateTopicsRequest.CreatableTopic { Name = "rf-too-big", NumPartitions = 1, ReplicationFactor = 3 }, validateOnly: true);
        Assert.Equal((short)ErrorCode.InvalidReplicationFactor, response.ErrorCode);

        response = await CreateAsync(new CreateTopicsRequest.CreatableTopic { Name = "rf-two", NumPartitions = 2, ReplicationFactor = 2 }, validateOnly: true);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(2, response.ReplicationFactor);
    }

    [Fact]
    public async Task CreateTopicsChecksManualAssignmentsAgainstTheRegisteredBrokers()
    {
        var unknown = Assigned("assigned-unknown", [0, UnregisteredBroker]);
        var response = await CreateAsync(unknown, validateOnly: false);
        Assert.Equal((short)ErrorCode.InvalidReplicaAssignment, response.ErrorCode);
        Assert.Contains($"broker {UnregisteredBroker}", response.ErrorMessage, StringComparison.Ordinal);

        var twice = Assigned("assigned-twice", [0, 0]);
        Assert.Equal((short)ErrorCode.InvalidReplicaAssignment, (await CreateAsync(twice, validateOnly: false)).ErrorCode);
    }

    [Fact]
    public async Task CreateTopicsStoresAManualAssignmentForTheController()
    {
        var topic = Assigned("assigned-kept", [OtherBroker, 0], [0, OtherBroker]);
        var response = await CreateAsync(topic, validateOnly: false, timeoutMs: 0);
        Assert.Equal(0, response.ErrorCode);
        Assert.Equal(2, response.NumPartitions);
        Assert.Equal(2, response.ReplicationFactor);
        var stored = await fixture.Store.GetTopicAsync("assigned-kept", CancellationToken.None);
        Assert.NotNull(stored?.Assignment);
        Assert.Equal([[OtherBroker, 0], [0, OtherBroker]], stored.Assignment.Select(a => a.ToArray()));
    }

    [Fact]
    public async Task ClientsCanNeitherCreateNorDeleteTheOffsetsTopic()
    {
        var create = await CreateAsync(new CreateTopicsRequest.CreatableTopic { Name = TopicNames.ConsumerOffsets, NumPartitions = 1, ReplicationFactor = 1 }, validateOnly: false);
        Assert.Equal((short)ErrorCode.InvalidRequest, create.ErrorCode);

        var delete = await _client.SendAsync<DeleteTopicsResponse>(new DeleteTopicsRequest { TopicNames = [TopicNames.ConsumerOffsets], TimeoutMs = 5000 }, 5);
        Assert.Equal((short)ErrorCode.InvalidRequest, Assert.Single(delete.Responses).ErrorCode);
        Assert.True(Host.InProcess().Metadata.Current.TopicsByName.ContainsKey(TopicNames.ConsumerOffsets));
    }

    [Fact]
    public async Task CreateTopicsAnswersOnceTheControllerHasElectedTheNewPartitionsLeaders()
    {
        const string name = "led-after-create";
        var creating = CreateAsync(new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = 2, ReplicationFactor = 1 }, validateOnly: false, timeoutMs: 30_000);

        // The test is the controller: once the topic exists, it places and elects as a controller would.
        await Fjord.Testing.Poll.UntilAsync(async () => await fixture.Store.GetTopicAsync(name, CancellationToken.None) is not null,
            TimeSpan.FromSeconds(10), $"{name} to be created");
        Assert.False(creating.IsCompleted, "CreateTopics answered before the partitions had leaders");
        await fixture.WriteStatesAsync(State(name, 0, [0], 0, 0, [0]), State(name, 1, [0], 0, 0, [0]));
        var created = await creating;
        Assert.Equal(0, created.ErrorCode);

        // A client asking right after the answer finds every leader.
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = name }], AllowAutoTopicCreation = false };
        var topic = Assert.Single((await _client.SendAsync<MetadataResponse>(request, 12)).Topics);
        Assert.All(topic.Partitions, p => Assert.Equal((0, 0), (p.ErrorCode, p.LeaderId)));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public async Task ElectLeadersAnswersNotControllerOnABrokerThatIsNotTheControllerAtEveryVersion(short version)
    {
        var request = new ElectLeadersRequest
        {
            ElectionType = 0,
            TopicPartitions = [new ElectLeadersRequest.TopicPartitionsData { Topic = Placed, Partitions = [0, 1] }],
            TimeoutMs = 5000,
        };
        var response = await _client.SendAsync<ElectLeadersResponse>(request, version);
        if (version >= 1) Assert.Equal((short)ErrorCode.NotController, response.ErrorCode);
        var topic = Assert.Single(response.ReplicaElectionResults);
        Assert.Equal(Placed, topic.Topic);
        Assert.Equal([0, 1], topic.PartitionResult.Select(p => p.PartitionId));
        Assert.All(topic.PartitionResult, p => Assert.Equal((short)ErrorCode.NotController, p.ErrorCode));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public async Task ElectLeadersIsDelegatedToTheActiveControllerAtEveryVersion(short version)
    {
        var fake = new FakeControllerService();
        var request = new ElectLeadersRequest
        {
            ElectionType = 1,
            TopicPartitions = [new ElectLeadersRequest.TopicPartitionsData { Topic = Placed, Partitions = [0, 1] }],
            TimeoutMs = 5000,
        };
        var response = await WithControllerAsync(fake, () => _client.SendAsync<ElectLeadersResponse>(request, version));

        var (kind, partitions) = Assert.Single(fake.Elections);
        Assert.Equal(version >= 1 ? ElectionKind.Unclean : ElectionKind.Preferred, kind);
        Assert.Equal([new TopicPartitionKey(Placed, 0), new TopicPartitionKey(Placed, 1)], partitions);
        Assert.Equal(0, response.ErrorCode);
        var results = Assert.Single(response.ReplicaElectionResults).PartitionResult;
        Assert.Equal([(0, (short)0), (1, (short)ErrorCode.ElectionNotNeeded)], results.Select(p => (p.PartitionId, p.ErrorCode)));
    }

    [Fact]
    public async Task ElectLeadersForEveryPartitionPassesNoListToTheController()
    {
        var fake = new FakeControllerService();
        await WithControllerAsync(fake, () => _client.SendAsync<ElectLeadersResponse>(new ElectLeadersRequest { TopicPartitions = null }, 2));
        Assert.Null(Assert.Single(fake.Elections).Partitions);
    }

    [Fact]
    public async Task PartitionReassignmentsAnswerNotControllerOnABrokerThatIsNotTheController()
    {
        var alter = await _client.SendAsync<AlterPartitionReassignmentsResponse>(AlterRequest(), 0);
        Assert.Equal((short)ErrorCode.NotController, alter.ErrorCode);
        Assert.All(Assert.Single(alter.Responses).Partitions, p => Assert.Equal((short)ErrorCode.NotController, p.ErrorCode));

        var list = await _client.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest { Topics = null }, 0);
        Assert.Equal((short)ErrorCode.NotController, list.ErrorCode);
        Assert.Empty(list.Topics);
    }

    [Fact]
    public async Task PartitionReassignmentsAreDelegatedToTheActiveController()
    {
        var fake = new FakeControllerService();
        var (alter, list) = await WithControllerAsync(fake, async () => (
            await _client.SendAsync<AlterPartitionReassignmentsResponse>(AlterRequest(), 0),
            await _client.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest
            {
                Topics = [new ListPartitionReassignmentsRequest.ListPartitionReassignmentsTopics { Name = "moving", PartitionIndexes = [2] }],
            }, 0)));

        var changes = Assert.Single(fake.Reassignments);
        Assert.Equal(2, changes.Count);
        Assert.Equal([OtherBroker, 0], changes[0].TargetReplicas);
        Assert.Null(changes[1].TargetReplicas);
        Assert.Equal(0, alter.ErrorCode);
        Assert.Equal([(0, (short)0), (1, (short)ErrorCode.NoReassignmentInProgress)],
            Assert.Single(alter.Responses).Partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));

        Assert.Equal([new TopicPartitionKey("moving", 2)], Assert.Single(fake.Listings));
        Assert.Equal(0, list.ErrorCode);
        var ongoing = Assert.Single(Assert.Single(list.Topics).Partitions);
        Assert.Equal(2, ongoing.PartitionIndex);
        Assert.Equal([0, 1, 2], ongoing.Replicas);
        Assert.Equal([2], ongoing.AddingReplicas);
        Assert.Equal([0], ongoing.RemovingReplicas);
    }

    private static string Describe(MetadataResponse.MetadataResponsePartition p) =>
        $"error {p.ErrorCode}, leader {p.LeaderId}, replicas [{string.Join(',', p.ReplicaNodes)}], isr [{string.Join(',', p.IsrNodes)}]";

    private static CreateTopicsRequest.CreatableTopic Assigned(string name, params int[][] replicas)
    {
        var topic = new CreateTopicsRequest.CreatableTopic { Name = name, NumPartitions = -1, ReplicationFactor = -1 };
        for (var p = 0; p < replicas.Length; p++)
            topic.Assignments.Add(new CreateTopicsRequest.CreatableReplicaAssignment { PartitionIndex = p, BrokerIds = [.. replicas[p]] });
        return topic;
    }

    private async Task<CreateTopicsResponse.CreatableTopicResult> CreateAsync(CreateTopicsRequest.CreatableTopic topic, bool validateOnly, int timeoutMs = 5000)
    {
        var request = new CreateTopicsRequest { ValidateOnly = validateOnly, TimeoutMs = timeoutMs };
        request.Topics.Add(topic);
        return Assert.Single((await _client.SendAsync<CreateTopicsResponse>(request, 7, TimeSpan.FromSeconds(60))).Topics);
    }

    private static AlterPartitionReassignmentsRequest AlterRequest() => new()
    {
        Topics =
        [
            new AlterPartitionReassignmentsRequest.ReassignableTopic
            {
                Name = Placed,
                Partitions =
                [
                    new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = 0, Replicas = [OtherBroker, 0] },
                    new AlterPartitionReassignmentsRequest.ReassignablePartition { PartitionIndex = 1, Replicas = null },
                ],
            },
        ],
    };

    /// <summary>Runs <paramref name="action"/> with <paramref name="controller"/> as the broker's controller loop, restoring the real one after.</summary>
    private async Task<T> WithControllerAsync<T>(IControllerService controller, Func<Task<T>> action)
    {
        var context = Host.InProcess();
        var real = context.Controller;
        context.Controller = controller;
        try
        {
            return await action();
        }
        finally
        {
            context.Controller = real;
        }
    }
}
