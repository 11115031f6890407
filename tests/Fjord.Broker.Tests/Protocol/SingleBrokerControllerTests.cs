using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// A broker alone is its cluster's controller, so the controller APIs are answered by it (not
/// NOT_CONTROLLER) and Metadata names it as controller, leader and only ISR member.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class SingleBrokerControllerTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private const string Topic = "elected";

    private FjordTestCluster _host = null!;
    private RawKafkaClient _client = null!;

    public async Task InitializeAsync()
    {
        _host = await FjordTestCluster.StartAsync(azurite.Host);
        await Poll.UntilAsync(() => _host.InProcess().Controller is { IsActive: true }, TimeSpan.FromSeconds(30), "the broker to become the controller");
        _client = await RawKafkaClient.ConnectAsync(_host.BootstrapServers);
        var request = new CreateTopicsRequest { TimeoutMs = 10_000 };
        request.Topics.Add(new CreateTopicsRequest.CreatableTopic { Name = Topic, NumPartitions = 2, ReplicationFactor = 1 });
        Assert.Equal(0, Assert.Single((await _client.SendAsync<CreateTopicsResponse>(request, 7, TimeSpan.FromSeconds(30))).Topics).ErrorCode);
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task MetadataRightAfterCreateTopicsNamesTheBrokerAsControllerLeaderAndIsr()
    {
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = Topic }], AllowAutoTopicCreation = false };
        var response = await _client.SendAsync<MetadataResponse>(request, 12);
        Assert.Equal(0, response.ControllerId);
        var topic = Assert.Single(response.Topics);
        Assert.Equal(2, topic.Partitions.Count);
        Assert.All(topic.Partitions, p =>
        {
            Assert.Equal(0, p.ErrorCode);
            Assert.Equal(0, p.LeaderId);
            Assert.Equal([0], p.ReplicaNodes);
            Assert.Equal([0], p.IsrNodes);
        });
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 2, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task ThePreferredLeaderAlreadyLeadingNeedsNoElectionAtEveryVersion(short version)
    {
        var request = new ElectLeadersRequest
        {
            ElectionType = 0,
            TopicPartitions = [new ElectLeadersRequest.TopicPartitionsData { Topic = Topic, Partitions = [0, 1] }],
            TimeoutMs = 10_000,
        };
        var response = await _client.SendAsync<ElectLeadersResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        var results = Assert.Single(response.ReplicaElectionResults);
        Assert.Equal(Topic, results.Topic);
        Assert.All(results.PartitionResult, p => Assert.Equal((short)ErrorCode.ElectionNotNeeded, p.ErrorCode));
    }

    [Fact]
    public async Task AnIdleClusterListsNoOngoingReassignment()
    {
        var response = await _client.SendAsync<ListPartitionReassignmentsResponse>(new ListPartitionReassignmentsRequest { Topics = null }, 0);
        Assert.Equal(0, response.ErrorCode);
        Assert.Empty(response.Topics);
    }
}
