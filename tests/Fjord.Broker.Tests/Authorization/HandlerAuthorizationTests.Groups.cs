using Fjord.Broker.Tests.Protocol;
using Fjord.Protocol;
using Fjord.Security.Authorization;

namespace Fjord.Broker.Tests.Authorization;

/// <summary>Consumer groups and their offsets.</summary>
public sealed partial class HandlerAuthorizationTests
{
    [Fact]
    public async Task OffsetCommitNeedsReadOnTheGroupThenOnTheTopic()
    {
        var topic = Name("authz-commit");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var group = Name("authz-commit-group");
        var request = GroupApiScenario.CommitRequest(group, topic, [(0, 5, null)]);

        AssertError(ErrorCode.GroupAuthorizationFailed, SingleCommitted(await CallAsync<OffsetCommitResponse>(request, 9)));
        Grant(AclOperation.Read, ResourceType.Group, group);
        AssertError(ErrorCode.TopicAuthorizationFailed, SingleCommitted(await CallAsync<OffsetCommitResponse>(request, 9)));
        Assert.Equal(-1, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));

        Grant(AclOperation.Read, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, SingleCommitted(await CallAsync<OffsetCommitResponse>(request, 9)));
        Assert.Equal(5, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));
    }

    [Fact]
    public async Task OffsetFetchNeedsDescribeOnTheGroupAndLeavesUndescribableTopicsOutOfAnAllTopicsFetch()
    {
        var visible = Name("authz-ofetch-visible");
        var hidden = Name("authz-ofetch-hidden");
        await RawScenario.CreateTopicAsync(_admin, visible);
        await RawScenario.CreateTopicAsync(_admin, hidden);
        var group = Name("authz-ofetch-group");
        await GroupApiScenario.CommitAsync(_admin, group, visible, (0, 3, null));
        await GroupApiScenario.CommitAsync(_admin, group, hidden, (0, 4, null));
        OffsetFetchRequest AllTopics() => new() { Groups = [new() { GroupId = group, Topics = null }] };

        var denied = Assert.Single((await CallAsync<OffsetFetchResponse>(AllTopics(), 9)).Groups);
        AssertError(ErrorCode.GroupAuthorizationFailed, denied.ErrorCode);
        Assert.Empty(denied.Topics);
        var deniedV1 = await CallAsync<OffsetFetchResponse>(new OffsetFetchRequest { GroupId = group, Topics = [new() { Name = visible, PartitionIndexes = [0] }] }, 1);
        AssertError(ErrorCode.GroupAuthorizationFailed, Assert.Single(Assert.Single(deniedV1.Topics).Partitions).ErrorCode);

        Grant(AclOperation.Describe, ResourceType.Group, group);
        Grant(AclOperation.Describe, ResourceType.Topic, visible);
        var all = Assert.Single((await CallAsync<OffsetFetchResponse>(AllTopics(), 9)).Groups);
        AssertError(ErrorCode.None, all.ErrorCode);
        Assert.Equal(3, Assert.Single(Assert.Single(all.Topics, t => t.Name == visible).Partitions).CommittedOffset);
        Assert.DoesNotContain(all.Topics, t => t.Name == hidden);

        var named = new OffsetFetchRequest
        {
            Groups = [new() { GroupId = group, Topics = [new() { Name = visible, PartitionIndexes = [0] }, new() { Name = hidden, PartitionIndexes = [0] }] }],
        };
        var answer = Assert.Single((await CallAsync<OffsetFetchResponse>(named, 9)).Groups);
        AssertError(ErrorCode.None, Assert.Single(answer.Topics.Single(t => t.Name == visible).Partitions).ErrorCode);
        var hiddenAnswer = Assert.Single(answer.Topics.Single(t => t.Name == hidden).Partitions);
        AssertError(ErrorCode.TopicAuthorizationFailed, hiddenAnswer.ErrorCode);
        Assert.Equal(-1, hiddenAnswer.CommittedOffset);
    }

    [Fact]
    public async Task OffsetDeleteNeedsDeleteOnTheGroupAndReadOnTheTopic()
    {
        var topic = Name("authz-odelete");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var group = Name("authz-odelete-group");
        await GroupApiScenario.CommitAsync(_admin, group, topic, (0, 7, null));
        var request = new OffsetDeleteRequest { GroupId = group, Topics = [new() { Name = topic, Partitions = [new() { PartitionIndex = 0 }] }] };

        Grant(AclOperation.Read, ResourceType.Group, group);
        AssertError(ErrorCode.GroupAuthorizationFailed, (await CallAsync<OffsetDeleteResponse>(request, 0)).ErrorCode);
        Grant(AclOperation.Delete, ResourceType.Group, group);
        var topicDenied = await CallAsync<OffsetDeleteResponse>(request, 0);
        AssertError(ErrorCode.None, topicDenied.ErrorCode);
        AssertError(ErrorCode.TopicAuthorizationFailed, Assert.Single(Assert.Single(topicDenied.Topics).Partitions).ErrorCode);
        Assert.Equal(7, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));

        Grant(AclOperation.Read, ResourceType.Topic, topic);
        AssertError(ErrorCode.None, Assert.Single(Assert.Single((await CallAsync<OffsetDeleteResponse>(request, 0)).Topics).Partitions).ErrorCode);
        Assert.Equal(-1, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));
    }

    [Fact]
    public async Task FindCoordinatorNeedsDescribeOnTheGroupOrTheTransactionalId()
    {
        var group = Name("authz-find-group");
        var transactionalId = Name("authz-find-txn");
        FindCoordinatorRequest Find(sbyte keyType, string key) => new() { KeyType = keyType, CoordinatorKeys = [key] };

        AssertError(ErrorCode.GroupAuthorizationFailed, Assert.Single((await CallAsync<FindCoordinatorResponse>(Find(0, group), 4)).Coordinators).ErrorCode);
        AssertError(ErrorCode.TransactionalIdAuthorizationFailed, Assert.Single((await CallAsync<FindCoordinatorResponse>(Find(1, transactionalId), 4)).Coordinators).ErrorCode);
        AssertError(ErrorCode.GroupAuthorizationFailed, (await CallAsync<FindCoordinatorResponse>(new FindCoordinatorRequest { Key = group, KeyType = 0 }, 3)).ErrorCode);

        Grant(AclOperation.Describe, ResourceType.Group, group);
        Grant(AclOperation.Describe, ResourceType.TransactionalId, transactionalId);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<FindCoordinatorResponse>(Find(0, group), 4)).Coordinators).ErrorCode);
        Assert.NotEqual((short)ErrorCode.TransactionalIdAuthorizationFailed,
            Assert.Single((await CallAsync<FindCoordinatorResponse>(Find(1, transactionalId), 4)).Coordinators).ErrorCode);
    }

    [Fact]
    public async Task JoinGroupWithoutReadOnTheGroupJoinsNothing()
    {
        var group = Name("authz-join");
        var request = GroupApiScenario.JoinRequest(group, GroupApiScenario.Subscription("t"));

        var denied = await CallAsync<JoinGroupResponse>(request, 9);
        AssertError(ErrorCode.GroupAuthorizationFailed, denied.ErrorCode);
        Assert.Equal(-1, denied.GenerationId);
        Assert.Empty((await GroupApiScenario.DescribeAsync(_admin, group)).Members);

        Grant(AclOperation.Read, ResourceType.Group, group);
        var allowed = await CallAsync<JoinGroupResponse>(request, 9);
        Assert.True(allowed.ErrorCode is 0 or (short)ErrorCode.MemberIdRequired, $"join: {(ErrorCode)allowed.ErrorCode}");
    }

    [Fact]
    public async Task SyncHeartbeatAndLeaveNeedReadOnTheGroup()
    {
        var group = Name("authz-member");
        var member = await GroupApiScenario.JoinAndSyncAsync(_admin, group, GroupApiScenario.Subscription("t"), [1, 2, 3]);
        var sync = GroupApiScenario.SyncRequest(group, member.GenerationId, member.MemberId, (member.MemberId, [1, 2, 3]));
        var heartbeat = new HeartbeatRequest { GroupId = group, GenerationId = member.GenerationId, MemberId = member.MemberId };
        var leave = new LeaveGroupRequest { GroupId = group, Members = [new() { MemberId = member.MemberId }] };

        AssertError(ErrorCode.GroupAuthorizationFailed, (await CallAsync<SyncGroupResponse>(sync, 5)).ErrorCode, "sync");
        AssertError(ErrorCode.GroupAuthorizationFailed, (await CallAsync<HeartbeatResponse>(heartbeat, 4)).ErrorCode, "heartbeat");
        var leaveDenied = await CallAsync<LeaveGroupResponse>(leave, 5);
        AssertError(ErrorCode.GroupAuthorizationFailed, leaveDenied.ErrorCode, "leave");
        Assert.Empty(leaveDenied.Members);
        Assert.Single((await GroupApiScenario.DescribeAsync(_admin, group)).Members);

        Grant(AclOperation.Read, ResourceType.Group, group);
        AssertError(ErrorCode.None, (await CallAsync<HeartbeatResponse>(heartbeat, 4)).ErrorCode, "heartbeat");
        AssertError(ErrorCode.None, (await CallAsync<LeaveGroupResponse>(leave, 5)).ErrorCode, "leave");
        Assert.Empty((await GroupApiScenario.DescribeAsync(_admin, group)).Members);
    }

    [Fact]
    public async Task ListGroupsNamesOnlyDescribableGroupsUnlessTheClusterIsDescribable()
    {
        var topic = Name("authz-list-groups");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var visible = Name("authz-lg-visible");
        var hidden = Name("authz-lg-hidden");
        await GroupApiScenario.CommitAsync(_admin, visible, topic, (0, 1, null));
        await GroupApiScenario.CommitAsync(_admin, hidden, topic, (0, 1, null));

        var none = await CallAsync<ListGroupsResponse>(new ListGroupsRequest(), 4);
        AssertError(ErrorCode.None, none.ErrorCode);
        Assert.DoesNotContain(none.Groups, g => g.GroupId == visible || g.GroupId == hidden);

        Grant(AclOperation.Describe, ResourceType.Group, visible);
        var some = await CallAsync<ListGroupsResponse>(new ListGroupsRequest(), 4);
        Assert.Contains(some.Groups, g => g.GroupId == visible);
        Assert.DoesNotContain(some.Groups, g => g.GroupId == hidden);

        GrantCluster(AclOperation.Describe);
        var all = await CallAsync<ListGroupsResponse>(new ListGroupsRequest(), 4);
        Assert.Contains(all.Groups, g => g.GroupId == visible);
        Assert.Contains(all.Groups, g => g.GroupId == hidden);
    }

    [Fact]
    public async Task DescribeGroupsNeedsDescribeAndAnswersKip430Operations()
    {
        var group = Name("authz-describe-group");
        await GroupApiScenario.JoinAndSyncAsync(_admin, group, GroupApiScenario.Subscription("t"), [9]);
        var request = new DescribeGroupsRequest { Groups = [group], IncludeAuthorizedOperations = true };

        var denied = Assert.Single((await CallAsync<DescribeGroupsResponse>(request, 5)).Groups);
        AssertError(ErrorCode.GroupAuthorizationFailed, denied.ErrorCode);
        Assert.Empty(denied.Members);
        Assert.Equal("", denied.GroupState);
        Assert.Equal(int.MinValue, denied.AuthorizedOperations);

        Grant(AclOperation.Read, ResourceType.Group, group);
        var allowed = Assert.Single((await CallAsync<DescribeGroupsResponse>(request, 5)).Groups);
        AssertError(ErrorCode.None, allowed.ErrorCode);
        Assert.Single(allowed.Members);
        Assert.Equal((1 << (int)AclOperation.Read) | (1 << (int)AclOperation.Describe), allowed.AuthorizedOperations);
    }

    [Fact]
    public async Task DeleteGroupsWithoutDeleteKeepsTheGroup()
    {
        var topic = Name("authz-delete-group");
        await RawScenario.CreateTopicAsync(_admin, topic);
        var group = Name("authz-dg");
        await GroupApiScenario.CommitAsync(_admin, group, topic, (0, 2, null));
        var request = new DeleteGroupsRequest { GroupsNames = [group] };

        Grant(AclOperation.Read, ResourceType.Group, group);
        AssertError(ErrorCode.GroupAuthorizationFailed, Assert.Single((await CallAsync<DeleteGroupsResponse>(request, 2)).Results).ErrorCode);
        Assert.Equal(2, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));

        Grant(AclOperation.Delete, ResourceType.Group, group);
        AssertError(ErrorCode.None, Assert.Single((await CallAsync<DeleteGroupsResponse>(request, 2)).Results).ErrorCode);
        Assert.Equal(-1, await GroupApiScenario.CommittedOffsetAsync(_admin, group, topic, 0));
    }

    private static short SingleCommitted(OffsetCommitResponse response) => Assert.Single(Assert.Single(response.Topics).Partitions).ErrorCode;
}
