using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.GroupApiScenario;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Every consumer-group API at every version the broker advertises, driven at that exact
/// version with the generated codecs through a real scenario: each response must decode with
/// no trailing bytes (RawKafkaClient checks) and carry the right data. Setup steps run at the
/// newest versions, so a case exercises only the version it names.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed partial class GroupApiVersionTests(GroupApiBrokerFixture fixture) : IClassFixture<GroupApiBrokerFixture>, IAsyncLifetime
{
    private RawKafkaClient _client = null!;

    private FjordTestCluster Host => fixture.Cluster;

    public static TheoryData<short> Versions(int min, int max) => EveryAdvertisedVersionTests.Versions(min, max);

    public async Task InitializeAsync() => _client = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task FindCoordinatorNamesThisBrokerForGroupsAtEveryVersion(short version)
    {
        var self = Host.InProcess().AdvertisedListeners[0];
        if (version < 4)
        {
            var response = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = $"g-find-v{version}" }, version);
            Assert.Equal(0, response.ErrorCode);
            Assert.Equal(0, response.NodeId);
            Assert.Equal(self.Host, response.Host);
            Assert.Equal(self.Port, response.Port);
            if (version >= 1)
            {
                // Key type 1 asks for a transaction coordinator: this broker, once __transaction_state is placed.
                var txn = await FindUntilPlacedAsync(() => _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "txn", KeyType = 1 }, version),
                    r => r.ErrorCode);
                Assert.Equal((0, 0, self.Port), (txn.ErrorCode, txn.NodeId, txn.Port));
                // Key type 2 (share groups) is not offered.
                var shareGroup = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = "share", KeyType = 2 }, version);
                Assert.Equal((short)ErrorCode.InvalidRequest, shareGroup.ErrorCode);
                Assert.Equal(-1, shareGroup.NodeId);
            }
            return;
        }

        // From v4 one request carries many keys and every key gets its own answer.
        var keys = new[] { $"g-find-a-v{version}", $"g-find-b-v{version}", $"g-find-c-v{version}" };
        var batched = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { CoordinatorKeys = [.. keys] }, version);
        Assert.Equal(keys, batched.Coordinators.Select(c => c.Key));
        Assert.All(batched.Coordinators, c =>
        {
            Assert.Equal(0, c.ErrorCode);
            Assert.Equal(0, c.NodeId);
            Assert.Equal(self.Host, c.Host);
            Assert.Equal(self.Port, c.Port);
        });

        var transactional = await FindUntilPlacedAsync(
            () => _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = ["txn-a", "txn-b"] }, version),
            r => r.Coordinators.Select(c => c.ErrorCode).FirstOrDefault(e => e != 0));
        Assert.Equal(["txn-a", "txn-b"], transactional.Coordinators.Select(c => c.Key));
        Assert.All(transactional.Coordinators, c => Assert.Equal((0, 0, self.Port), (c.ErrorCode, c.NodeId, c.Port)));
        var share = await _client.SendAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { KeyType = 2, CoordinatorKeys = ["s"] }, version);
        Assert.Equal((short)ErrorCode.InvalidRequest, share.Coordinators.Single().ErrorCode);
    }

    /// <summary>Repeats a FindCoordinator while it answers COORDINATOR_NOT_AVAILABLE (the controller places __transaction_state on demand).</summary>
    private static async Task<FindCoordinatorResponse> FindUntilPlacedAsync(Func<Task<FindCoordinatorResponse>> find, Func<FindCoordinatorResponse, short> error)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var response = await find();
            if (error(response) != (short)ErrorCode.CoordinatorNotAvailable || DateTime.UtcNow > deadline) return response;
            await Task.Delay(50);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 9)]
    public async Task JoinGroupCompletesASingleMemberRoundTripAtEveryVersion(short version)
    {
        var groupId = NewGroupId($"g-join-v{version}");
        var metadata = RandomBytes(64, seed: version);
        var request = JoinRequest(groupId, metadata);

        var first = await _client.SendAsync<JoinGroupResponse>(request, version);
        if (version >= 4)
        {
            // KIP-394: the first join of a dynamic member only hands out its id.
            Assert.Equal((short)ErrorCode.MemberIdRequired, first.ErrorCode);
            Assert.False(string.IsNullOrEmpty(first.MemberId));
            Assert.Empty(first.Members);
            request.MemberId = first.MemberId;
            first = await _client.SendAsync<JoinGroupResponse>(request, version);
            Assert.Equal(request.MemberId, first.MemberId);
        }

        Assert.Equal(0, first.ErrorCode);
        Assert.False(string.IsNullOrEmpty(first.MemberId));
        Assert.Equal(1, first.GenerationId);
        Assert.Equal(first.MemberId, first.Leader);
        Assert.Equal(RangeProtocol, first.ProtocolName);
        if (version >= 7) Assert.Equal(ConsumerProtocolType, first.ProtocolType);
        var member = Assert.Single(first.Members);
        Assert.Equal(first.MemberId, member.MemberId);
        Assert.Equal(metadata, member.Metadata.ToArray());

        // The rest of the round trip at the newest versions: the generation this join made is real.
        var assignment = RandomBytes(16, seed: 100 + version);
        var sync = await _client.SendAsync<SyncGroupResponse>(SyncRequest(groupId, first.GenerationId, first.MemberId, (first.MemberId, assignment)), NewestSync);
        Assert.Equal(0, sync.ErrorCode);
        Assert.Equal(assignment, sync.Assignment.ToArray());
        Assert.Equal(0, await HeartbeatAsync(_client, groupId, first.GenerationId, first.MemberId));

        // A leader that joins again asks for a new assignment: the next generation, same member id.
        request.MemberId = first.MemberId;
        var rejoin = await _client.SendAsync<JoinGroupResponse>(request, version);
        Assert.Equal(0, rejoin.ErrorCode);
        Assert.Equal(first.MemberId, rejoin.MemberId);
        Assert.Equal(first.GenerationId + 1, rejoin.GenerationId);
        Assert.Equal(first.MemberId, rejoin.Leader);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task SyncGroupHandsTheLeadersAssignmentBackAtEveryVersion(short version)
    {
        var groupId = NewGroupId($"g-sync-v{version}");
        var join = await JoinAsync(_client, JoinRequest(groupId, RandomBytes(8, version)));
        Assert.Equal(0, join.ErrorCode);
        var assignment = RandomBytes(300, seed: 200 + version);

        var sync = await _client.SendAsync<SyncGroupResponse>(SyncRequest(groupId, join.GenerationId, join.MemberId, (join.MemberId, assignment)), version);
        Assert.Equal(0, sync.ErrorCode);
        Assert.Equal(assignment, sync.Assignment.ToArray());
        if (version >= 5)
        {
            Assert.Equal(ConsumerProtocolType, sync.ProtocolType);
            Assert.Equal(RangeProtocol, sync.ProtocolName);
        }

        // Stable now: a repeated sync gets the same bytes; a stale generation is refused.
        var again = await _client.SendAsync<SyncGroupResponse>(SyncRequest(groupId, join.GenerationId, join.MemberId), version);
        Assert.Equal(0, again.ErrorCode);
        Assert.Equal(assignment, again.Assignment.ToArray());
        var stale = await _client.SendAsync<SyncGroupResponse>(SyncRequest(groupId, join.GenerationId + 1, join.MemberId), version);
        Assert.Equal((short)ErrorCode.IllegalGeneration, stale.ErrorCode);
        Assert.Equal("Stable", (await DescribeAsync(_client, groupId)).GroupState);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public async Task HeartbeatTellsMembersGenerationsAndStrangersApartAtEveryVersion(short version)
    {
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-heartbeat-v{version}"), RandomBytes(8, version), [1, 2, 3]);

        Assert.Equal(0, await HeartbeatAsync(_client, member.GroupId, member.GenerationId, member.MemberId, version));
        Assert.Equal((short)ErrorCode.IllegalGeneration, await HeartbeatAsync(_client, member.GroupId, member.GenerationId + 1, member.MemberId, version));
        Assert.Equal((short)ErrorCode.IllegalGeneration, await HeartbeatAsync(_client, member.GroupId, member.GenerationId - 1, member.MemberId, version));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_client, member.GroupId, member.GenerationId, "never-issued", version));
        // The failed heartbeats changed nothing for the real member.
        Assert.Equal(0, await HeartbeatAsync(_client, member.GroupId, member.GenerationId, member.MemberId, version));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task LeaveGroupRemovesTheMemberAtEveryVersion(short version)
    {
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-leave-v{version}"), RandomBytes(8, version), [9]);

        var request = new LeaveGroupRequest { GroupId = member.GroupId };
        if (version >= 3)
        {
            // From v3 a batch: each member gets its own answer, an unknown one does not spoil the rest.
            request.Members.Add(new LeaveGroupRequest.MemberIdentity { MemberId = member.MemberId, Reason = "test done" });
            request.Members.Add(new LeaveGroupRequest.MemberIdentity { MemberId = "never-issued" });
        }
        else
        {
            request.MemberId = member.MemberId;
        }
        var response = await _client.SendAsync<LeaveGroupResponse>(request, version);
        Assert.Equal(0, response.ErrorCode);
        if (version >= 3)
        {
            Assert.Equal([member.MemberId, "never-issued"], response.Members.Select(m => m.MemberId));
            Assert.Equal([(short)0, (short)ErrorCode.UnknownMemberId], response.Members.Select(m => m.ErrorCode));
        }

        var described = await DescribeAsync(_client, member.GroupId);
        Assert.Equal("Empty", described.GroupState);
        Assert.Empty(described.Members);
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_client, member));

        if (version < 3)
        {
            // Before v3 the member's own error is the response's error.
            var again = await _client.SendAsync<LeaveGroupResponse>(request, version);
            Assert.Equal((short)ErrorCode.UnknownMemberId, again.ErrorCode);
        }
    }

    [Fact]
    public async Task ASecondMemberRebalancesTheGroupAndBothSyncTheirOwnAssignments()
    {
        var groupId = NewGroupId("g-two-members");
        var first = await JoinAndSyncAsync(_client, groupId, RandomBytes(20, 1), [1]);
        await using var second = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);

        // JoinGroup is a long poll: the newcomer's join waits until the first member rejoins.
        var secondRequest = JoinRequest(groupId, RandomBytes(20, 2));
        var secondJoin = JoinAsync(second, secondRequest);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        short heartbeat;
        while ((heartbeat = await HeartbeatAsync(_client, first)) == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal((short)ErrorCode.RebalanceInProgress, heartbeat);
        Assert.False(secondJoin.IsCompleted, "the newcomer's join completed before the known member rejoined");

        var firstJoin = await _client.SendAsync<JoinGroupResponse>(JoinRequest(groupId, RandomBytes(20, 1), memberId: first.MemberId), NewestJoin);
        var joinedSecond = await secondJoin.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, firstJoin.ErrorCode);
        Assert.Equal(0, joinedSecond.ErrorCode);
        Assert.Equal(first.GenerationId + 1, firstJoin.GenerationId);
        Assert.Equal(firstJoin.GenerationId, joinedSecond.GenerationId);
        Assert.Equal(firstJoin.Leader, joinedSecond.Leader);
        Assert.Contains(firstJoin.Leader, new[] { firstJoin.MemberId, joinedSecond.MemberId });

        // Only the leader learns the members (with their metadata) and assigns.
        var (leader, leaderClient, follower, followerClient) = firstJoin.Leader == firstJoin.MemberId
            ? (firstJoin, _client, joinedSecond, second)
            : (joinedSecond, second, firstJoin, _client);
        Assert.Equal(new[] { leader.MemberId, follower.MemberId }.Order(StringComparer.Ordinal),
            leader.Members.Select(m => m.MemberId).Order(StringComparer.Ordinal));
        Assert.Equal(2, leader.Members.Count);
        Assert.Empty(follower.Members);
        Assert.Equal(secondRequest.Protocols[0].Metadata.ToArray(), leader.Members.Single(m => m.MemberId == joinedSecond.MemberId).Metadata.ToArray());

        // The follower's sync waits for the leader's assignment: send it first, concurrently.
        byte[] leaderAssignment = [0xA0, 0xA1], followerAssignment = [0xB0, 0xB1, 0xB2];
        var followerSync = followerClient.SendAsync<SyncGroupResponse>(SyncRequest(groupId, follower.GenerationId, follower.MemberId), NewestSync);
        var leaderSync = await leaderClient.SendAsync<SyncGroupResponse>(
            SyncRequest(groupId, leader.GenerationId, leader.MemberId, (leader.MemberId, leaderAssignment), (follower.MemberId, followerAssignment)), NewestSync);
        var followerSynced = await followerSync.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, leaderSync.ErrorCode);
        Assert.Equal(0, followerSynced.ErrorCode);
        Assert.Equal(leaderAssignment, leaderSync.Assignment.ToArray());
        Assert.Equal(followerAssignment, followerSynced.Assignment.ToArray());

        Assert.Equal(0, await HeartbeatAsync(leaderClient, groupId, leader.GenerationId, leader.MemberId));
        Assert.Equal(0, await HeartbeatAsync(followerClient, groupId, follower.GenerationId, follower.MemberId));
        var described = await DescribeAsync(_client, groupId);
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal(2, described.Members.Count);
    }
}
