using Fjord.Broker.Tests.Infrastructure;
using Fjord.Protocol;
using Fjord.Testing;
using static Fjord.Broker.Tests.Protocol.GroupApiScenario;

namespace Fjord.Broker.Tests.Protocol;

/// <summary>
/// Hostile and wrong consumer-group requests: each gets Kafka's error code or costs only its own
/// connection, and a bystander group, joined and Stable on another connection before the attack,
/// still heartbeats successfully after it.
/// </summary>
[Collection(BrokerCollection.Name)]
public sealed class GroupHostileInputTests(GroupApiBrokerFixture fixture) : IClassFixture<GroupApiBrokerFixture>, IAsyncLifetime
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(15);
    private static readonly byte[] BystanderAssignment = [0xB, 0xE, 0xE];
    private static readonly byte[] OneByte = [1];

    private RawKafkaClient _bystanderClient = null!;
    private RawKafkaClient _attacker = null!;
    private JoinedMember _bystander = null!;

    private FjordTestCluster Host => fixture.Cluster;

    public async Task InitializeAsync()
    {
        _bystanderClient = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        _bystander = await JoinAndSyncAsync(_bystanderClient, NewGroupId("g-bystander"), Subscription("bystander-topic"), BystanderAssignment);
        _attacker = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
    }

    public async Task DisposeAsync()
    {
        await _attacker.DisposeAsync();
        // Leave rather than let the session expire: the next test's broker state stays small.
        await LeaveAsync(_bystanderClient, _bystander.GroupId, _bystander.MemberId);
        await _bystanderClient.DisposeAsync();
    }

    private async Task AssertUnharmedAsync()
    {
        Assert.Equal(0, await HeartbeatAsync(_bystanderClient, _bystander));
        var described = await DescribeAsync(_bystanderClient, _bystander.GroupId);
        Assert.Equal("Stable", described.GroupState);
        var member = Assert.Single(described.Members);
        Assert.Equal(_bystander.MemberId, member.MemberId);
        Assert.Equal(BystanderAssignment, member.MemberAssignment.ToArray());
        await using var fresh = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        await RawScenario.AssertServedAsync(fresh);
    }

    private static short SingleCommitError(OffsetCommitResponse response) => Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;

    [Fact]
    public async Task GarbageProtocolMetadataAndAssignmentsPassUntouchedBetweenMembers()
    {
        var groupId = NewGroupId("g-garbage");
        var garbageA = RandomBytes(4096, seed: 1);
        var garbageB = RandomBytes(5001, seed: 2);
        var first = await JoinAndSyncAsync(_attacker, groupId, garbageA, RandomBytes(10, seed: 4));

        await using var other = await RawKafkaClient.ConnectAsync(Host.BootstrapServers);
        var secondJoin = JoinAsync(other, JoinRequest(groupId, garbageB));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        short heartbeat;
        while ((heartbeat = await HeartbeatAsync(_attacker, first)) == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        // The newcomer's join is parked in the rebalance, so the rejoin below completes both at once.
        Assert.Equal((short)ErrorCode.RebalanceInProgress, heartbeat);
        var firstJoin = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(groupId, garbageA, memberId: first.MemberId), NewestJoin);
        var second = await secondJoin.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, firstJoin.ErrorCode);
        Assert.Equal(0, second.ErrorCode);

        var leader = firstJoin.Leader == firstJoin.MemberId ? firstJoin : second;
        var byMember = leader.Members.ToDictionary(m => m.MemberId, m => m.Metadata.ToArray());
        Assert.Equal(garbageA, byMember[firstJoin.MemberId]);
        Assert.Equal(garbageB, byMember[second.MemberId]);

        var (leaderClient, follower, followerClient) = leader == firstJoin ? (_attacker, second, other) : (other, firstJoin, _attacker);
        var garbageAssignment = RandomBytes(7777, seed: 5);
        var followerSync = followerClient.SendAsync<SyncGroupResponse>(SyncRequest(groupId, follower.GenerationId, follower.MemberId), NewestSync);
        var leaderSync = await leaderClient.SendAsync<SyncGroupResponse>(
            SyncRequest(groupId, leader.GenerationId, leader.MemberId, (follower.MemberId, garbageAssignment)), NewestSync);
        Assert.Equal(0, leaderSync.ErrorCode);
        // A member the leader left out gets an empty assignment, as in Kafka.
        Assert.Empty(leaderSync.Assignment.ToArray());
        var synced = await followerSync.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, synced.ErrorCode);
        Assert.Equal(garbageAssignment, synced.Assignment.ToArray());
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AJoinWithTenThousandProtocolsIsAnsweredWithoutHurtingTheBroker()
    {
        var request = JoinRequest(NewGroupId("g-many-protocols"), RandomBytes(8, 1));
        request.Protocols.Clear();
        for (var i = 0; i < 10_000; i++)
            request.Protocols.Add(new JoinGroupRequest.JoinGroupRequestProtocol { Name = $"protocol-{i:D5}", Metadata = RandomBytes(8, i) });

        var response = await JoinAsync(_attacker, request);
        if (response.ErrorCode == 0)
        {
            // Accepted: the single member chose among its own protocols and can complete the generation.
            Assert.StartsWith("protocol-", response.ProtocolName, StringComparison.Ordinal);
            var sync = new SyncGroupRequest { GroupId = request.GroupId, GenerationId = response.GenerationId, MemberId = response.MemberId };
            sync.Assignments.Add(new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = response.MemberId, Assignment = new byte[] { 1 } });
            var synced = await _attacker.SendAsync<SyncGroupResponse>(sync, NewestSync);
            Assert.True(synced.ErrorCode is 0 or (short)ErrorCode.UnknownServerError or (short)ErrorCode.CoordinatorNotAvailable, $"sync error {synced.ErrorCode}");
        }

        // None of the ten thousand is the bystander group's protocol: a joiner cannot share it.
        request.GroupId = _bystander.GroupId;
        request.MemberId = "";
        var refused = await _attacker.SendAsync<JoinGroupResponse>(request, NewestJoin);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, refused.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AJoinWithAHugeMetadataBlobIsAnsweredWithoutHurtingTheBroker()
    {
        var blob = RandomBytes(3 * 1024 * 1024, seed: 7);
        var request = JoinRequest(NewGroupId("g-huge-metadata"), blob);
        var response = await JoinAsync(_attacker, request);
        if (response.ErrorCode == 0)
        {
            Assert.Equal(blob, Assert.Single(response.Members).Metadata.ToArray());
            var synced = await _attacker.SendAsync<SyncGroupResponse>(
                SyncRequest(request.GroupId, response.GenerationId, response.MemberId, (response.MemberId, [1, 2])), NewestSync);
            Assert.True(synced.ErrorCode is 0 or (short)ErrorCode.UnknownServerError or (short)ErrorCode.CoordinatorNotAvailable, $"sync error {synced.ErrorCode}");
        }
        await AssertUnharmedAsync();
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 9, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task AMemberIdNeverIssuedIsUnknownOnJoinSyncHeartbeatAndCommit(short joinVersion)
    {
        const string stranger = "never-issued-member";
        var groupId = _bystander.GroupId;
        var join = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(groupId, Subscription("bystander-topic"), memberId: stranger), joinVersion);
        Assert.Equal((short)ErrorCode.UnknownMemberId, join.ErrorCode);

        var sync = await _attacker.SendAsync<SyncGroupResponse>(SyncRequest(groupId, _bystander.GenerationId, stranger, (stranger, [6, 6, 6])), NewestSync);
        Assert.Equal((short)ErrorCode.UnknownMemberId, sync.ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_attacker, groupId, _bystander.GenerationId, stranger));

        var topic = $"g-stranger-v{joinVersion}";
        await RawScenario.CreateTopicAsync(_attacker, topic);
        var commit = await _attacker.SendAsync<OffsetCommitResponse>(
            CommitRequest(groupId, topic, [(0, 666, null)], _bystander.GenerationId, stranger), NewestCommit);
        Assert.Equal((short)ErrorCode.UnknownMemberId, SingleCommitError(commit));
        Assert.Equal(-1, await CommittedOffsetAsync(_attacker, groupId, topic, 0));
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task RequestsForAGroupThatDoesNotExistGetKafkasErrorCodes()
    {
        var groupId = NewGroupId("g-nowhere");
        // Kafka's classic coordinator answers UNKNOWN_MEMBER_ID for a group it does not have.
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_attacker, groupId, 1, "someone"));
        Assert.Equal((short)ErrorCode.UnknownMemberId, await HeartbeatAsync(_attacker, groupId, 1, "someone", version: 0));
        var sync = await _attacker.SendAsync<SyncGroupResponse>(SyncRequest(groupId, 1, "someone", ("someone", [1])), NewestSync);
        Assert.Equal((short)ErrorCode.UnknownMemberId, sync.ErrorCode);
        var join = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(groupId, OneByte, memberId: "someone"), NewestJoin);
        Assert.Equal((short)ErrorCode.UnknownMemberId, join.ErrorCode);

        var leave = await _attacker.SendAsync<LeaveGroupResponse>(
            new LeaveGroupRequest { GroupId = groupId, Members = [new LeaveGroupRequest.MemberIdentity { MemberId = "someone" }] }, NewestLeave);
        Assert.Equal(0, leave.ErrorCode);
        Assert.Equal((short)ErrorCode.UnknownMemberId, Assert.Single(leave.Members).ErrorCode);
        var leaveV0 = await _attacker.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest { GroupId = groupId, MemberId = "someone" }, 0);
        Assert.Equal((short)ErrorCode.UnknownMemberId, leaveV0.ErrorCode);

        // A commit that claims a generation of a group the coordinator never had is from an older generation.
        var topic = "g-nowhere-topic";
        await RawScenario.CreateTopicAsync(_attacker, topic);
        var commit = await _attacker.SendAsync<OffsetCommitResponse>(CommitRequest(groupId, topic, [(0, 1, null)], 1, "someone"), NewestCommit);
        Assert.Equal((short)ErrorCode.IllegalGeneration, SingleCommitError(commit));

        // None of it created the group.
        Assert.Equal("Dead", (await DescribeAsync(_attacker, groupId)).GroupState);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData(0, GroupApiBrokerFixture.MinSessionTimeoutMs - 1)]
    [InlineData(9, GroupApiBrokerFixture.MinSessionTimeoutMs - 1)]
    [InlineData(9, 0)]
    [InlineData(9, -1)]
    [InlineData(0, GroupApiBrokerFixture.MaxSessionTimeoutMs + 1)]
    [InlineData(9, GroupApiBrokerFixture.MaxSessionTimeoutMs + 1)]
    [InlineData(9, int.MaxValue)]
    public async Task ASessionTimeoutOutsideTheBrokersBoundsIsInvalidSessionTimeout(short version, int sessionTimeoutMs)
    {
        var groupId = NewGroupId("g-timeout");
        var join = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(groupId, OneByte, sessionTimeoutMs: sessionTimeoutMs), version);
        Assert.Equal((short)ErrorCode.InvalidSessionTimeout, join.ErrorCode);
        Assert.Equal("Dead", (await DescribeAsync(_attacker, groupId)).GroupState);

        // Into an existing group, too, without disturbing its member.
        var intoBystander = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(_bystander.GroupId, OneByte, sessionTimeoutMs: sessionTimeoutMs), version);
        Assert.Equal((short)ErrorCode.InvalidSessionTimeout, intoBystander.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Theory]
    [MemberData(nameof(EveryAdvertisedVersionTests.Versions), 0, 9, MemberType = typeof(EveryAdvertisedVersionTests))]
    public async Task AnEmptyGroupIdIsInvalidGroupId(short joinVersion)
    {
        var join = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest("", OneByte), joinVersion);
        Assert.Equal((short)ErrorCode.InvalidGroupId, join.ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidGroupId, (await _attacker.SendAsync<SyncGroupResponse>(SyncRequest("", 1, "m"), NewestSync)).ErrorCode);
        Assert.Equal((short)ErrorCode.InvalidGroupId, await HeartbeatAsync(_attacker, "", 1, "m"));
        var leave = await _attacker.SendAsync<LeaveGroupResponse>(new LeaveGroupRequest { GroupId = "", Members = [new LeaveGroupRequest.MemberIdentity { MemberId = "m" }] }, NewestLeave);
        Assert.Equal((short)ErrorCode.InvalidGroupId, leave.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Theory]
    [InlineData("connect", RangeProtocol)]
    [InlineData(ConsumerProtocolType, "roundrobin")]
    [InlineData("", RangeProtocol)]
    public async Task AJoinThatSharesNoProtocolWithTheGroupIsInconsistentGroupProtocol(string protocolType, string protocol)
    {
        var join = await _attacker.SendAsync<JoinGroupResponse>(JoinRequest(_bystander.GroupId, OneByte, protocolType: protocolType, protocol: protocol), NewestJoin);
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, join.ErrorCode);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task AJoinWithNoProtocolsOrASyncNamingAnotherProtocolIsInconsistentGroupProtocol()
    {
        var noProtocols = JoinRequest(NewGroupId("g-no-protocols"), OneByte);
        noProtocols.Protocols.Clear();
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, (await _attacker.SendAsync<JoinGroupResponse>(noProtocols, NewestJoin)).ErrorCode);

        // From v5 SyncGroup names the protocol; the bystander's own member naming the wrong one is refused.
        var wrong = SyncRequest(_bystander.GroupId, _bystander.GenerationId, _bystander.MemberId);
        wrong.ProtocolType = "connect";
        Assert.Equal((short)ErrorCode.InconsistentGroupProtocol, (await _attacker.SendAsync<SyncGroupResponse>(wrong, NewestSync)).ErrorCode);
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task ACommitToAMissingTopicOrPartitionIsRefusedPerPartition()
    {
        var topic = "g-commit-missing-" + Guid.NewGuid().ToString("N")[..8];
        await RawScenario.CreateTopicAsync(_attacker, topic, partitions: 2);
        var request = CommitRequest(_bystander.GroupId, topic, [(1, 10, null), (2, 10, null), (-1, 10, null)], _bystander.GenerationId, _bystander.MemberId);
        var missing = new OffsetCommitRequest.OffsetCommitRequestTopic { Name = "g-no-such-topic" };
        missing.Partitions.Add(new OffsetCommitRequest.OffsetCommitRequestPartition { PartitionIndex = 0, CommittedOffset = 10 });
        request.Topics.Add(missing);

        var response = await _bystanderClient.SendAsync<OffsetCommitResponse>(request, NewestCommit);
        var errors = response.Topics.SelectMany(t => t.Partitions.Select(p => ((t.Name, p.PartitionIndex), p.ErrorCode))).ToDictionary();
        Assert.Equal(0, errors[(topic, 1)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, errors[(topic, 2)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, errors[(topic, -1)]);
        Assert.Equal((short)ErrorCode.UnknownTopicOrPartition, errors[("g-no-such-topic", 0)]);
        Assert.Equal(10, await CommittedOffsetAsync(_attacker, _bystander.GroupId, topic, 1));
        Assert.Equal(-1, await CommittedOffsetAsync(_attacker, _bystander.GroupId, "g-no-such-topic", 0));
        await AssertUnharmedAsync();
    }

    [Fact]
    public async Task CommitMetadataLongerThanTheLimitIsOffsetMetadataTooLarge()
    {
        var topic = "g-commit-meta-" + Guid.NewGuid().ToString("N")[..8];
        await RawScenario.CreateTopicAsync(_attacker, topic, partitions: 2);
        var atLimit = new string('m', GroupApiBrokerFixture.OffsetMetadataMaxBytes);
        var overLimit = atLimit + "m";
        var request = CommitRequest(_bystander.GroupId, topic, [(0, 5, atLimit), (1, 5, overLimit)], _bystander.GenerationId, _bystander.MemberId);

        var response = await _bystanderClient.SendAsync<OffsetCommitResponse>(request, NewestCommit);
        var partitions = Assert.Single(response.Topics).Partitions;
        Assert.Equal([(0, (short)0), (1, (short)ErrorCode.OffsetMetadataTooLarge)], partitions.Select(p => (p.PartitionIndex, p.ErrorCode)));
        var stored = Assert.Single((await FetchAsync(_attacker, _bystander.GroupId, topic, 0, 1)).Topics).Partitions;
        Assert.Equal([(5L, atLimit), (-1L, "")], stored.Select(p => (p.CommittedOffset, p.Metadata ?? "")));
        await AssertUnharmedAsync();
    }

    public static TheoryData<string, short> GroupRequests() => new()
    {
        { nameof(ApiKey.FindCoordinator), 0 }, { nameof(ApiKey.FindCoordinator), 5 },
        { nameof(ApiKey.JoinGroup), 0 }, { nameof(ApiKey.JoinGroup), 9 },
        { nameof(ApiKey.SyncGroup), 0 }, { nameof(ApiKey.SyncGroup), 5 },
        { nameof(ApiKey.Heartbeat), 0 }, { nameof(ApiKey.Heartbeat), 4 },
        { nameof(ApiKey.LeaveGroup), 0 }, { nameof(ApiKey.LeaveGroup), 5 },
        { nameof(ApiKey.OffsetCommit), 0 }, { nameof(ApiKey.OffsetCommit), 9 },
        { nameof(ApiKey.OffsetFetch), 0 }, { nameof(ApiKey.OffsetFetch), 9 },
        { nameof(ApiKey.OffsetDelete), 0 },
        { nameof(ApiKey.ListGroups), 4 }, { nameof(ApiKey.ListGroups), 5 },
        { nameof(ApiKey.DescribeGroups), 0 }, { nameof(ApiKey.DescribeGroups), 5 },
        { nameof(ApiKey.DeleteGroups), 0 }, { nameof(ApiKey.DeleteGroups), 2 },
    };

    /// <summary>A well-formed request of each group API that names the bystander group (so an accidental decode would touch it).</summary>
    private IKafkaMessage RequestFor(ApiKey api) => api switch
    {
        ApiKey.FindCoordinator => new FindCoordinatorRequest { Key = _bystander.GroupId, CoordinatorKeys = [_bystander.GroupId] },
        ApiKey.JoinGroup => JoinRequest(_bystander.GroupId, Subscription("bystander-topic"), memberId: _bystander.MemberId),
        ApiKey.SyncGroup => SyncRequest(_bystander.GroupId, _bystander.GenerationId, _bystander.MemberId, (_bystander.MemberId, [0xBA, 0xD])),
        ApiKey.Heartbeat => new HeartbeatRequest { GroupId = _bystander.GroupId, GenerationId = _bystander.GenerationId, MemberId = _bystander.MemberId },
        ApiKey.LeaveGroup => new LeaveGroupRequest
        {
            GroupId = _bystander.GroupId,
            MemberId = _bystander.MemberId,
            Members = [new LeaveGroupRequest.MemberIdentity { MemberId = _bystander.MemberId }],
        },
        ApiKey.OffsetCommit => CommitRequest(_bystander.GroupId, "bystander-topic", [(0, 1, "x")], _bystander.GenerationId, _bystander.MemberId),
        ApiKey.OffsetFetch => new OffsetFetchRequest
        {
            GroupId = _bystander.GroupId,
            Topics = [new OffsetFetchRequest.OffsetFetchRequestTopic { Name = "bystander-topic", PartitionIndexes = [0] }],
            Groups = [new OffsetFetchRequest.OffsetFetchRequestGroup { GroupId = _bystander.GroupId, Topics = null }],
        },
        ApiKey.OffsetDelete => new OffsetDeleteRequest
        {
            GroupId = _bystander.GroupId,
            Topics = [new OffsetDeleteRequest.OffsetDeleteRequestTopic { Name = "bystander-topic", Partitions = [new OffsetDeleteRequest.OffsetDeleteRequestPartition { PartitionIndex = 0 }] }],
        },
        ApiKey.ListGroups => new ListGroupsRequest { StatesFilter = ["Stable"], TypesFilter = ["classic"] },
        ApiKey.DescribeGroups => new DescribeGroupsRequest { Groups = [_bystander.GroupId] },
        ApiKey.DeleteGroups => new DeleteGroupsRequest { GroupsNames = [_bystander.GroupId] },
        _ => throw new ArgumentOutOfRangeException(nameof(api)),
    };

    [Theory]
    [MemberData(nameof(GroupRequests))]
    public async Task ATruncatedGroupRequestClosesOnlyThatConnection(string api, short version)
    {
        var whole = RawKafkaClient.Encode(RequestFor(Enum.Parse<ApiKey>(api)), version, correlationId: 1);
        // The frame is complete as framed (its size prefix says what is there), but the body ends early:
        // the last byte, a field's tail or the flexible tag count, is missing.
        var truncated = whole[..^1];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(truncated, truncated.Length - 4);
        await _attacker.SendRawAsync(truncated);
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout), $"{api} v{version} cut short was answered");
        await AssertUnharmedAsync();
    }

    [Theory]
    [MemberData(nameof(GroupRequests))]
    public async Task AGroupRequestCutInHalfClosesOnlyThatConnection(string api, short version)
    {
        var whole = RawKafkaClient.Encode(RequestFor(Enum.Parse<ApiKey>(api)), version, correlationId: 1);
        var truncated = whole[..(whole.Length / 2 + 2)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(truncated, truncated.Length - 4);
        await _attacker.SendRawAsync(truncated);
        Assert.True(await _attacker.IsClosedByBrokerAsync(CloseTimeout), $"{api} v{version} cut in half was answered");
        await AssertUnharmedAsync();
    }
}
