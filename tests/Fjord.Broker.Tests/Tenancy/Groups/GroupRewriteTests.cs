using Fjord.Broker.Tenancy.Groups;
using Fjord.Protocol;
using static Fjord.Broker.Tests.Tenancy.TenantTesting;

namespace Fjord.Broker.Tests.Tenancy.Groups;

/// <summary>The group APIs' rewrites on request and response objects, field by field and version by version.</summary>
public sealed class GroupRewriteTests
{
    private static readonly Fjord.Security.Tenancy.TenantScope Acme = Scope("acme");

    [Fact]
    public void FindCoordinatorKeysAreStoredAndTheBatchedAnswerNamesThemBack()
    {
        var single = new FindCoordinatorRequest { Key = "billing", KeyType = 0 };
        Assert.Null(FindCoordinatorRewrite.Instance.ToStored(Acme, Context(ApiKey.FindCoordinator, 3, Acme), single));
        Assert.Equal("acme.billing", single.Key);

        var batched = new FindCoordinatorRequest { KeyType = 1, CoordinatorKeys = ["tx-1", "tx-2"] };
        var context = Context(ApiKey.FindCoordinator, 4, Acme);
        FindCoordinatorRewrite.Instance.ToStored(Acme, context, batched);
        Assert.Equal(["acme.tx-1", "acme.tx-2"], batched.CoordinatorKeys);

        var response = new FindCoordinatorResponse
        {
            ErrorMessage = "top acme.x",
            Coordinators =
            [
                new() { Key = "acme.tx-1", NodeId = 1 },
                new() { Key = "acme.tx-2", ErrorCode = (short)ErrorCode.InvalidRequest, ErrorMessage = "Transactional id acme.tx-2 is bad" },
                new() { Key = "globex.tx-1", NodeId = 1 },
            ],
        };
        FindCoordinatorRewrite.Instance.ToClient(Acme, context, batched, response);
        Assert.Equal(["tx-1", "tx-2"], response.Coordinators.Select(c => c.Key));
        Assert.Equal("Transactional id tx-2 is bad", response.Coordinators[1].ErrorMessage);
        Assert.Equal("top x", response.ErrorMessage);
    }

    [Fact]
    public void MembershipRequestsCarryTheStoredGroupIdAndLeaveMemberDataAsItIs()
    {
        var metadata = new byte[] { 0, 1, 0, 0, 0, 1, 0, 6, (byte)'o', (byte)'r', (byte)'d', (byte)'e', (byte)'r', (byte)'s' };
        var join = new JoinGroupRequest { GroupId = "billing", MemberId = "m-1", GroupInstanceId = "i-1", Protocols = [new() { Name = "range", Metadata = metadata }] };
        JoinGroupRewrite.Instance.ToStored(Acme, Context(ApiKey.JoinGroup, 9, Acme), join);
        Assert.Equal(("acme.billing", "m-1", "i-1"), (join.GroupId, join.MemberId, join.GroupInstanceId));
        Assert.Equal(metadata, join.Protocols[0].Metadata.ToArray());

        var sync = new SyncGroupRequest { GroupId = "billing", Assignments = [new() { MemberId = "m-1", Assignment = metadata }] };
        SyncGroupRewrite.Instance.ToStored(Acme, Context(ApiKey.SyncGroup, 5, Acme), sync);
        Assert.Equal("acme.billing", sync.GroupId);
        Assert.Equal(metadata, sync.Assignments[0].Assignment.ToArray());

        var heartbeat = new HeartbeatRequest { GroupId = "billing" };
        HeartbeatRewrite.Instance.ToStored(Acme, Context(ApiKey.Heartbeat, 4, Acme), heartbeat);
        Assert.Equal("acme.billing", heartbeat.GroupId);

        var leave = new LeaveGroupRequest { GroupId = "billing", Members = [new() { MemberId = "m-1" }] };
        LeaveGroupRewrite.Instance.ToStored(Acme, Context(ApiKey.LeaveGroup, 5, Acme), leave);
        Assert.Equal("acme.billing", leave.GroupId);
        Assert.Equal("m-1", leave.Members[0].MemberId);
    }

    [Fact]
    public void AnEmptyGroupIdStaysEmptyForTheCoordinatorToRefuse()
    {
        var join = new JoinGroupRequest { GroupId = "" };
        JoinGroupRewrite.Instance.ToStored(Acme, Context(ApiKey.JoinGroup, 9, Acme), join);
        Assert.Equal("", join.GroupId);

        var delete = new DeleteGroupsRequest { GroupsNames = ["", "billing"] };
        var context = Context(ApiKey.DeleteGroups, 2, Acme);
        DeleteGroupsRewrite.Instance.ToStored(Acme, context, delete);
        Assert.Equal(["", "acme.billing"], delete.GroupsNames);
        var response = new DeleteGroupsResponse { Results = [new() { GroupId = "", ErrorCode = (short)ErrorCode.InvalidGroupId }, new() { GroupId = "acme.billing" }] };
        DeleteGroupsRewrite.Instance.ToClient(Acme, context, delete, response);
        Assert.Equal(["", "billing"], response.Results.Select(r => r.GroupId));
    }

    [Fact]
    public void OffsetCommitStoresGroupAndTopicsAndNamesTheTopicsBack()
    {
        var request = new OffsetCommitRequest { GroupId = "billing", Topics = [new() { Name = "orders" }, new() { Name = "payments" }] };
        var context = Context(ApiKey.OffsetCommit, 9, Acme);
        OffsetCommitRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal("acme.billing", request.GroupId);
        Assert.Equal(["acme.orders", "acme.payments"], request.Topics.Select(t => t.Name));

        var response = new OffsetCommitResponse { Topics = [new() { Name = "acme.orders" }, new() { Name = "acme.payments" }] };
        OffsetCommitRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(["orders", "payments"], response.Topics.Select(t => t.Name));
    }

    [Fact]
    public void OffsetFetchBeforeV8StoresTheGroupAndItsTopics()
    {
        var request = new OffsetFetchRequest { GroupId = "billing", Topics = [new() { Name = "orders", PartitionIndexes = [0] }] };
        var context = Context(ApiKey.OffsetFetch, 7, Acme);
        OffsetFetchRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal("acme.billing", request.GroupId);
        Assert.Equal("acme.orders", Assert.Single(request.Topics!).Name);

        var response = new OffsetFetchResponse { Topics = [new() { Name = "acme.orders" }, new() { Name = "globex.orders" }] };
        OffsetFetchRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal("orders", Assert.Single(response.Topics).Name);
    }

    [Fact]
    public void OffsetFetchFromV8StoresEveryGroupAndKeepsAllTopicsNull()
    {
        var request = new OffsetFetchRequest
        {
            Groups =
            [
                new() { GroupId = "billing", Topics = null },
                new() { GroupId = "audit", Topics = [new() { Name = "orders", PartitionIndexes = [0, 1] }] },
            ],
        };
        var context = Context(ApiKey.OffsetFetch, 9, Acme);
        OffsetFetchRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(["acme.billing", "acme.audit"], request.Groups.Select(g => g.GroupId));
        Assert.Null(request.Groups[0].Topics);
        Assert.Equal("acme.orders", Assert.Single(request.Groups[1].Topics!).Name);

        var response = new OffsetFetchResponse
        {
            Groups =
            [
                new() { GroupId = "acme.billing", Topics = [new() { Name = "acme.orders" }, new() { Name = "acme.payments" }] },
                new() { GroupId = "acme.audit", Topics = [new() { Name = "acme.orders" }] },
            ],
        };
        OffsetFetchRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(["billing", "audit"], response.Groups.Select(g => g.GroupId));
        Assert.Equal(["orders", "payments"], response.Groups[0].Topics.Select(t => t.Name));
        Assert.Equal("orders", Assert.Single(response.Groups[1].Topics).Name);
    }

    [Fact]
    public void OffsetDeleteStoresGroupAndTopicsAndNamesTheTopicsBack()
    {
        var request = new OffsetDeleteRequest { GroupId = "billing", Topics = [new() { Name = "orders" }] };
        var context = Context(ApiKey.OffsetDelete, 0, Acme);
        OffsetDeleteRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(("acme.billing", "acme.orders"), (request.GroupId, request.Topics[0].Name));

        var response = new OffsetDeleteResponse { Topics = [new() { Name = "acme.orders" }] };
        OffsetDeleteRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal("orders", Assert.Single(response.Topics).Name);
    }

    [Fact]
    public void ListGroupsKeepsTheTenantsGroupsOnly()
    {
        var request = new ListGroupsRequest();
        var context = Context(ApiKey.ListGroups, 5, Acme);
        Assert.Null(ListGroupsRewrite.Instance.ToStored(Acme, context, request));
        var response = new ListGroupsResponse
        {
            Groups =
            [
                new() { GroupId = "acme.billing", GroupState = "Stable" },
                new() { GroupId = "globex.billing" },
                new() { GroupId = "billing" },
                new() { GroupId = "acme." },
                new() { GroupId = "acmex.billing" },
                new() { GroupId = "" },
                new() { GroupId = "acme.audit" },
            ],
        };
        ListGroupsRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(["billing", "audit"], response.Groups.Select(g => g.GroupId));
        Assert.Equal("Stable", response.Groups[0].GroupState);
    }

    [Fact]
    public void DescribeGroupsStoresTheIdsAndLeavesMemberMetadataAsItIs()
    {
        var request = new DescribeGroupsRequest { Groups = ["billing", "audit"] };
        var context = Context(ApiKey.DescribeGroups, 5, Acme);
        DescribeGroupsRewrite.Instance.ToStored(Acme, context, request);
        Assert.Equal(["acme.billing", "acme.audit"], request.Groups);

        byte[] assignment = [9, 8, 7];
        var response = new DescribeGroupsResponse
        {
            Groups =
            [
                new() { GroupId = "acme.billing", Members = [new() { MemberId = "m-1", ClientId = "c", MemberAssignment = assignment }] },
                new() { GroupId = "acme.audit" },
            ],
        };
        DescribeGroupsRewrite.Instance.ToClient(Acme, context, request, response);
        Assert.Equal(["billing", "audit"], response.Groups.Select(g => g.GroupId));
        Assert.Equal(assignment, response.Groups[0].Members[0].MemberAssignment.ToArray());
        Assert.Equal("m-1", response.Groups[0].Members[0].MemberId);
    }
}
