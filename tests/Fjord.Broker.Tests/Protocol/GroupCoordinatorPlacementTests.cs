using Fjord.Broker.Tests.Infrastructure;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.ClusterBrokerFixture;
using static Fjord.Broker.Tests.Protocol.GroupApiScenario;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// A group is coordinated by the leader of its __consumer_offsets partition: FindCoordinator names
/// it, every group API of another broker's group answers NOT_COORDINATOR, and a broker that stops
/// leading a partition forgets its groups (members must find the new coordinator, which loads the
/// committed offsets from the store).
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class GroupCoordinatorPlacementTests(ClusterBrokerFixture fixture) : IClassFixture<ClusterBrokerFixture>, IAsyncLifetime
{
    private const string Topic = "committed";

    // Offsets partitions: 0 and 1 led here, 2 led by the other broker, 3 never placed.
    private const int LedHere = 0;
    private const int Moving = 1;
    private const int LedElsewhere = 2;
    private const int Unplaced = 3;

    private const short NotCoordinator = (short)ErrorCode.NotCoordinator;

    private RawKafkaClient _client = null!;

    private FjordTestCluster Host => fixture.Cluster;

    public static TheoryData<short> Versions(int min, int max) => EveryAdvertisedVersionTests.Versions(min, max);

    public async Task InitializeAsync()
    {
        _client = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        if (!Host.InProcess().Metadata.Current.TopicsByName.ContainsKey(Topic))
        {
            await fixture.CreateTopicAsync(Topic, 2, 1);
            await fixture.WriteStatesAsync(
                State(TopicNames.ConsumerOffsets, LedHere, [0], 0, 1, [0]),
                State(TopicNames.ConsumerOffsets, Moving, [0, OtherBroker], 0, 1, [0, OtherBroker]),
                State(TopicNames.ConsumerOffsets, LedElsewhere, [OtherBroker], OtherBroker, 1, [OtherBroker]),
                State(Topic, 0, [0], 0, 0, [0]),
                State(Topic, 1, [0], 0, 0, [0]));
        }
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task FindCoordinatorNamesTheLeaderOfTheGroupsOffsetsPartitionAtEveryVersion(short version)
    {
        var here = GroupOfPartition(LedHere, $"find-here-v{version}");
        var elsewhere = GroupOfPartition(LedElsewhere, $"find-there-v{version}");
        var nowhere = GroupOfPartition(Unplaced, $"find-none-v{version}");
        var self = Host.InProcess().AdvertisedListeners[0];
        var expected = new Dictionary<string, (short, int, string, int)>
        {
            [here] = (0, 0, self.Host, self.Port),
            [elsewhere] = (0, OtherBroker, "127.0.0.1", OtherPort),
            [nowhere] = ((short)ErrorCode.CoordinatorNotAvailable, -1, "", -1),
        };

        if (version < 4)
        {
            foreach (var (key, answer) in expected)
            {
                var response = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = key }, version);
                Assert.Equal(answer, (response.ErrorCode, response.NodeId, response.Host, response.Port));
            }
            return;
        }

        var batched = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { CoordinatorKeys = [.. expected.Keys] }, version);
        Assert.Equal(expected.Count, batched.Coordinators.Count);
        foreach (var c in batched.Coordinators)
            Assert.Equal(expected[c.Key], (c.ErrorCode, c.NodeId, c.Host, c.Port));
    }

    [Fact]
    public async Task EveryGroupApiAnswersNotCoordinatorForAGroupAnotherBrokerCoordinates()
    {
        var group = GroupOfPartition(LedElsewhere, "elsewhere");
        await AssertNotCoordinatorAsync(group);
    }

    [Fact]
    public async Task EveryGroupApiAnswersNotCoordinatorForAGroupWhoseOffsetsPartitionHasNoLeaderYet()
    {
        var group = GroupOfPartition(Unplaced, "unplaced");
        await AssertNotCoordinatorAsync(group);
    }

    [Fact]
    public async Task GroupsThisBrokerCoordinatesWorkAndListGroupsShowsOnlyThem()
    {
        var here = GroupOfPartition(LedHere, "listed");
        await CommitAsync(_client, here, Topic, (0, 42, null));
        var member = await JoinAndSyncAsync(_client, here, Subscription(Topic), [1, 2, 3]);
        Assert.Equal(42, await CommittedOffsetAsync(_client, here, Topic, 0));

        var listed = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 5);
        Assert.Equal("Stable", Assert.Single(listed.Groups, g => g.GroupId == here).GroupState);
        await LeaveAsync(_client, here, member.MemberId);
    }

    [Fact]
    public async Task ABrokerThatStopsLeadingAnOffsetsPartitionUnloadsItsGroupsAndReloadsTheirOffsetsWhenItLeadsAgain()
    {
        var group = GroupOfPartition(Moving, "moving");
        var member = await JoinAndSyncAsync(_client, group, Subscription(Topic), [7]);
        var commit = await _client.SendAsync<OffsetCommitResponse>(
            CommitRequest(group, Topic, [(1, 99, "kept")], member.GenerationId, member.MemberId), NewestCommit);
        Assert.Equal(0, Assert.Single(Assert.Single(commit.Topics).Partitions).ErrorCode);
        Assert.Equal(0, await HeartbeatAsync(_client, member));

        // The controller moves the partition's leadership to the other broker.
        await fixture.WriteStatesAsync(State(TopicNames.ConsumerOffsets, Moving, [0, OtherBroker], OtherBroker, 2, [0, OtherBroker]));
        Assert.Equal((short)ErrorCode.NotCoordinator, await HeartbeatAsync(_client, member));
        var describe = await _client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, NewestDescribe);
        Assert.Equal((short)ErrorCode.NotCoordinator, Assert.Single(describe.Groups).ErrorCode);

        // The store still knows the group, but ListGroups lists only the groups this broker coordinates.
        var listed = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 5);
        Assert.DoesNotContain(listed.Groups, g => g.GroupId == group);

        // Leadership comes back at a new epoch: the group is loaded afresh from the store, without
        // members (they re-join), with the committed offsets.
        await fixture.WriteStatesAsync(State(TopicNames.ConsumerOffsets, Moving, [0, OtherBroker], 0, 3, [0, OtherBroker]));
        Assert.Equal(99, await CommittedOffsetAsync(_client, group, Topic, 1));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_client, member));
        var rejoined = await JoinAndSyncAsync(_client, group, Subscription(Topic), [7]);
        Assert.True(rejoined.GenerationId > member.GenerationId);
        await LeaveAsync(_client, group, rejoined.MemberId);
    }

    private async Task AssertNotCoordinatorAsync(string group)
    {
        var join = await _client.SendAsync<JoinGroupResponse>(JoinRequest(group, Subscription(Topic)), NewestJoin);
        Assert.Equal(NotCoordinator, join.ErrorCode);
        var sync = await _client.SendAsync<SyncGroupResponse>(SyncRequest(group, 1, "m"), NewestSync);
        Assert.Equal(NotCoordinator, sync.ErrorCode);
        Assert.Equal(NotCoordinator, await HeartbeatAsync(_client, group, 1, "m"));
        var leave = await _client.SendAsync<LeaveGroupResponse>(
            new LeaveGroupRequest { GroupId = group, Members = [new LeaveGroupRequest.MemberIdentity { MemberId = "m" }] }, NewestLeave);
        Assert.Equal(NotCoordinator, leave.ErrorCode);

        var commit = await _client.SendAsync<OffsetCommitResponse>(CommitRequest(group, Topic, [(0, 5, null)]), NewestCommit);
        Assert.Equal(NotCoordinator, Assert.Single(Assert.Single(commit.Topics).Partitions).ErrorCode);
        var fetch = await _client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = group, Topics = null }],
        }, NewestFetch);
        Assert.Equal(NotCoordinator, Assert.Single(fetch.Groups).ErrorCode);

        // Before v2 the error can only travel in the partitions asked for.
        var oldFetch = await _client.SendAsync<OffsetFetchResponse>(new OffsetFetchRequest
        {
            GroupId = group,
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = Topic, PartitionIndexes = [0] }],
        }, 1);
        Assert.Equal(NotCoordinator, Assert.Single(Assert.Single(oldFetch.Topics).Partitions).ErrorCode);

        var deleteOffsets = await _client.SendAsync<OffsetDeleteResponse>(new OffsetDeleteRequest
        {
            GroupId = group,
            Topics = [new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = Topic, Partitions = [new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = 0 }] }],
        }, 0);
        Assert.Equal(NotCoordinator, deleteOffsets.ErrorCode);
        var describe = await _client.SendAsync<DescribeGroupsResponse>(new DescribeGroupsRequest { Groups = [group] }, NewestDescribe);
        Assert.Equal(NotCoordinator, Assert.Single(describe.Groups).ErrorCode);
        var delete = await _client.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = [group] }, 2);
        Assert.Equal(NotCoordinator, Assert.Single(delete.Results).ErrorCode);
    }
}
