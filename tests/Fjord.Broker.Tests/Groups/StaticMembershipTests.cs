using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Groups;

public sealed class StaticMembershipTests
{
    private const string Group = "static";

    [Fact]
    public async Task StaticMemberRejoiningUnderANewMemberIdFencesTheOldIdAndKeepsItsAssignmentWithoutRebalance()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(
            Group,
            GroupHarness.JoinCommand(Group, instanceId: "pod-0"),
            GroupHarness.JoinCommand(Group, instanceId: "pod-1"));
        var follower = members.Single(m => m.MemberId != m.LeaderId);
        var followerIndex = Array.IndexOf(members, follower);
        var instance = followerIndex == 0 ? "pod-0" : "pod-1";

        // The restarted process has lost its member id but not its group.instance.id.
        var rejoin = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, instanceId: instance)));

        Assert.Equal(ErrorCode.None, rejoin.Error);
        Assert.NotEqual(follower.MemberId, rejoin.MemberId);
        Assert.Equal(follower.GenerationId, rejoin.GenerationId);
        Assert.Equal(GroupState.Stable, await h.StateOf(Group));
        Assert.Equal(ErrorCode.FencedInstanceId, h.Coordinator.Heartbeat(Group, follower.GenerationId, follower.MemberId, instance));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat(Group, follower.GenerationId, follower.MemberId, null));
        Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat(Group, rejoin.GenerationId, rejoin.MemberId, instance));

        var sync = await h.Coordinator.SyncGroupAsync(new SyncGroupCommand(Group, rejoin.GenerationId, rejoin.MemberId, instance, null, null, []), default);
        Assert.Equal(new[] { (byte)followerIndex }, sync.Assignment);
        var record = await h.Store.LoadGroupAsync(Group, default);
        Assert.Contains(record!.Members, m => m.MemberId == rejoin.MemberId && m.GroupInstanceId == instance);
    }

    [Fact]
    public async Task StaticLeaderRejoiningOnV9IsToldToSkipAssignmentAndRemainsLeader()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group, instanceId: "a"), GroupHarness.JoinCommand(Group, instanceId: "b"));
        var leaderIndex = Array.FindIndex(members, m => m.MemberId == m.LeaderId);

        var rejoin = await GroupHarness.Done(h.Join(
            GroupHarness.JoinCommand(Group, instanceId: leaderIndex == 0 ? "a" : "b") with { SupportsSkipAssignment = true }));

        Assert.True(rejoin.SkipAssignment);
        Assert.Equal(rejoin.MemberId, rejoin.LeaderId);
        Assert.Equal(2, rejoin.Members.Count);
        Assert.Equal(GroupState.Stable, await h.StateOf(Group));
    }

    [Fact]
    public async Task StaticMemberRejoiningWithChangedProtocolsTriggersARebalance()
    {
        await using var h = new GroupHarness();
        await h.FormGroup(Group, GroupHarness.JoinCommand(Group, instanceId: "a", protocols: [("range", [1]), ("roundrobin", [1])]));

        var rejoin = h.Join(GroupHarness.JoinCommand(Group, instanceId: "a", protocols: [("roundrobin", [1])]));

        var result = await GroupHarness.Done(rejoin);
        Assert.Equal("roundrobin", result.ProtocolName);
        Assert.Equal(2, result.GenerationId);
    }

    [Fact]
    public async Task StaticMemberWhoseSessionExpiresIsRemovedAndTheGroupRebalances()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group, instanceId: "a"), GroupHarness.JoinCommand(Group, instanceId: "b"));

        for (var i = 0; i < 2; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(4000));
            Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat(Group, members[0].GenerationId, members[0].MemberId, "a"));
        }

        h.Time.Advance(TimeSpan.FromMilliseconds(4000));

        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat(Group, members[1].GenerationId, members[1].MemberId, "b"));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Coordinator.Heartbeat(Group, members[0].GenerationId, members[0].MemberId, "a"));
    }

    [Fact]
    public async Task StaticMemberCanLeaveByInstanceIdAloneButAStaleMemberIdIsFenced()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group, instanceId: "a"), GroupHarness.JoinCommand(Group, instanceId: "b"));

        var leave = h.Coordinator.LeaveGroup(Group, [("", "a"), ("stale-id", "b"), ("", "nobody")]);

        Assert.Equal([ErrorCode.None, ErrorCode.FencedInstanceId, ErrorCode.UnknownMemberId], leave.Members.Select(m => m.Error));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat(Group, members[0].GenerationId, members[0].MemberId, "a"));
    }
}
