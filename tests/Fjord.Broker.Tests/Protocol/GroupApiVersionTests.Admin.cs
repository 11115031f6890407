using Fjord.Protocol;
using static Fjord.Broker.Tests.Protocol.GroupApiScenario;

namespace Fjord.Broker.Tests.Protocol;

public sealed partial class GroupApiVersionTests
{
    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task ListGroupsListsAndFiltersGroupsAtEveryVersion(short version)
    {
        var topic = $"g-list-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic);
        var stable = await JoinAndSyncAsync(_client, NewGroupId($"g-list-stable-v{version}"), Subscription(topic), [1]);
        var empty = NewGroupId($"g-list-empty-v{version}");
        await CommitAsync(_client, empty, topic, (0, 1, null));

        var all = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), version);
        Assert.Equal(0, all.ErrorCode);
        var listedStable = Assert.Single(all.Groups, g => g.GroupId == stable.GroupId);
        var listedEmpty = Assert.Single(all.Groups, g => g.GroupId == empty);
        Assert.Equal(ConsumerProtocolType, listedStable.ProtocolType);
        Assert.Equal("", listedEmpty.ProtocolType);
        if (version >= 4)
        {
            Assert.Equal("Stable", listedStable.GroupState);
            Assert.Equal("Empty", listedEmpty.GroupState);

            // v4 filters by state, compared case-insensitively as Kafka does.
            var onlyStable = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["Stable"] }, version);
            Assert.Contains(onlyStable.Groups, g => g.GroupId == stable.GroupId);
            Assert.DoesNotContain(onlyStable.Groups, g => g.GroupId == empty);
            Assert.All(onlyStable.Groups, g => Assert.Equal("Stable", g.GroupState));
            var onlyEmpty = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { StatesFilter = ["empty"] }, version);
            Assert.Contains(onlyEmpty.Groups, g => g.GroupId == empty);
            Assert.DoesNotContain(onlyEmpty.Groups, g => g.GroupId == stable.GroupId);
        }
        if (version >= 5)
        {
            Assert.Equal("classic", listedStable.GroupType);
            Assert.Equal("classic", listedEmpty.GroupType);

            // v5 filters by group type: these are classic groups, not KIP-848 "consumer" groups.
            var classic = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { TypesFilter = ["classic"] }, version);
            Assert.Contains(classic.Groups, g => g.GroupId == stable.GroupId);
            Assert.Contains(classic.Groups, g => g.GroupId == empty);
            var consumer = await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest { TypesFilter = ["consumer"] }, version);
            Assert.DoesNotContain(consumer.Groups, g => g.GroupId == stable.GroupId || g.GroupId == empty);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public async Task DescribeGroupsShowsMembersWithTheirExactBytesAtEveryVersion(short version)
    {
        var metadata = RandomBytes(333, seed: 300 + version);
        var assignment = RandomBytes(77, seed: 400 + version);
        var instanceId = $"instance-v{version}";
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-describe-v{version}"), metadata, assignment, instanceId);
        var unknown = NewGroupId($"g-describe-unknown-v{version}");

        var response = await _client.SendAsync<DescribeGroupsResponse>(
            new DescribeGroupsRequest { Groups = [member.GroupId, unknown], IncludeAuthorizedOperations = version >= 3 }, version);
        Assert.Equal([member.GroupId, unknown], response.Groups.Select(g => g.GroupId));

        var group = response.Groups[0];
        Assert.Equal(0, group.ErrorCode);
        Assert.Equal("Stable", group.GroupState);
        Assert.Equal(ConsumerProtocolType, group.ProtocolType);
        Assert.Equal(RangeProtocol, group.ProtocolData);
        var described = Assert.Single(group.Members);
        Assert.Equal(member.MemberId, described.MemberId);
        Assert.Equal("raw-test", described.ClientId);
        Assert.Contains("127.0.0.1", described.ClientHost, StringComparison.Ordinal);
        // The coordinator stores and returns the leader's bytes; it never re-encodes them.
        Assert.Equal(metadata, described.MemberMetadata.ToArray());
        Assert.Equal(assignment, described.MemberAssignment.ToArray());
        Assert.Equal(version >= 4 ? instanceId : null, described.GroupInstanceId);

        // An unknown group is not an error: Kafka describes it as Dead with no members.
        var dead = response.Groups[1];
        Assert.Equal(0, dead.ErrorCode);
        Assert.Equal("Dead", dead.GroupState);
        Assert.Empty(dead.Members);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public async Task DeleteGroupsDeletesOnlyEmptyGroupsAndTheirOffsetsAtEveryVersion(short version)
    {
        var topic = $"g-delete-v{version}";
        await RawScenario.CreateTopicAsync(_client, topic);
        var member = await JoinAndSyncAsync(_client, NewGroupId($"g-delete-v{version}"), Subscription(topic), [5]);
        var commit = CommitRequest(member.GroupId, topic, [(0, 99, "before delete")], member.GenerationId, member.MemberId);
        Assert.Equal(0, Assert.Single(Assert.Single((await _client.SendAsync<OffsetCommitResponse>(commit, NewestCommit)).Topics).Partitions).ErrorCode);

        var busy = await _client.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = [member.GroupId] }, version);
        Assert.Equal((short)ErrorCode.NonEmptyGroup, Assert.Single(busy.Results).ErrorCode);
        Assert.Equal("Stable", (await DescribeAsync(_client, member.GroupId)).GroupState);
        Assert.Equal(99, await CommittedOffsetAsync(_client, member.GroupId, topic, 0));

        await LeaveAsync(_client, member.GroupId, member.MemberId);
        var unknown = NewGroupId($"g-delete-unknown-v{version}");
        var deleted = await _client.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = [member.GroupId, unknown] }, version);
        Assert.Equal([member.GroupId, unknown], deleted.Results.Select(r => r.GroupId));
        Assert.Equal([(short)0, (short)ErrorCode.GroupIdNotFound], deleted.Results.Select(r => r.ErrorCode));

        // Gone, with every offset it had.
        Assert.Equal("Dead", (await DescribeAsync(_client, member.GroupId)).GroupState);
        Assert.Equal(-1, await CommittedOffsetAsync(_client, member.GroupId, topic, 0));
        Assert.Empty((await FetchAsync(_client, member.GroupId)).Topics);
        Assert.DoesNotContain((await _client.SendAsync<ListGroupsResponse>(new ListGroupsRequest(), 5)).Groups, g => g.GroupId == member.GroupId);
        var again = await _client.SendAsync<DeleteGroupsResponse>(new DeleteGroupsRequest { GroupsNames = [member.GroupId] }, version);
        Assert.Equal((short)ErrorCode.GroupIdNotFound, Assert.Single(again.Results).ErrorCode);
    }
}
