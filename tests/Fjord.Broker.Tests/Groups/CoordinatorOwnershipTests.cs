using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Groups;

/// <summary>
/// The coordinator answers only for the groups it owns (in a cluster: those of the offsets partitions
/// this broker leads) and forgets groups it stops owning, failing their waiting requests with
/// NOT_COORDINATOR so members look for the new coordinator; committed offsets survive in the store.
/// </summary>
public sealed class CoordinatorOwnershipTests
{
    [Fact]
    public async Task EveryGroupApiAnswersNotCoordinatorForAGroupItDoesNotOwn()
    {
        await using var harness = new GroupHarness();
        harness.Coordinator.UseOwnership(groupId => groupId != "theirs");

        Assert.Equal(ErrorCode.NotCoordinator, (await harness.Join(GroupHarness.JoinCommand("theirs"))).Error);
        Assert.Equal(ErrorCode.NotCoordinator, harness.Coordinator.Heartbeat("theirs", 1, "m", null));
        Assert.Equal(ErrorCode.NotCoordinator, harness.Coordinator.LeaveGroup("theirs", [("m", null)]).Error);
        var commit = await harness.Coordinator.CommitOffsetsAsync("theirs", -1, "", null, [new OffsetCommitEntry("orders", 0, 5, -1, null)], CancellationToken.None);
        Assert.Equal(ErrorCode.NotCoordinator, Assert.Single(commit.Partitions).Error);
        var fetch = await harness.Coordinator.FetchOffsetsAsync("theirs", [("orders", 0)], CancellationToken.None);
        Assert.Equal(ErrorCode.NotCoordinator, fetch.Error);
        Assert.Equal(-1, Assert.Single(fetch.Partitions).Offset);
        Assert.Equal(ErrorCode.NotCoordinator, (await harness.Coordinator.DeleteOffsetsAsync("theirs", [("orders", 0)], CancellationToken.None)).Error);
        Assert.Equal(ErrorCode.NotCoordinator, (await harness.Coordinator.DescribeGroupAsync("theirs", CancellationToken.None)).Error);
        Assert.Equal(ErrorCode.NotCoordinator, await harness.Coordinator.DeleteGroupAsync("theirs", CancellationToken.None));

        // Validation still comes first, as in Kafka.
        Assert.Equal(ErrorCode.InvalidGroupId, harness.Coordinator.Heartbeat("", 1, "m", null));
    }

    [Fact]
    public async Task ListGroupsAndOffsetExpiryLeaveGroupsItDoesNotOwnAlone()
    {
        await using var harness = new GroupHarness();
        foreach (var group in new[] { "ours", "theirs" })
            await harness.Coordinator.CommitOffsetsAsync(group, -1, "", null, [new OffsetCommitEntry("orders", 0, 5, -1, null)], CancellationToken.None);

        harness.Coordinator.UseOwnership(groupId => groupId == "ours");
        var listed = await harness.Coordinator.ListGroupsAsync(null, null, CancellationToken.None);
        Assert.Equal(["ours"], listed.Select(g => g.GroupId));

        harness.Time.Advance(TimeSpan.FromMinutes(harness.Config.OffsetsRetentionMinutes + 1));
        Assert.Equal(1, await harness.Coordinator.ExpireOffsetsAsync(CancellationToken.None));
        Assert.Single(await harness.Store.FetchAsync("theirs", CancellationToken.None));
    }

    [Fact]
    public async Task UnloadingAGroupAnswersItsWaitingJoinWithNotCoordinatorAndTheNextOwnerReloadsItsOffsets()
    {
        await using var harness = new GroupHarness();
        await harness.Coordinator.CommitOffsetsAsync("moving", -1, "", null, [new OffsetCommitEntry("orders", 1, 99, -1, "kept")], CancellationToken.None);

        // The first join waits out group.initial.rebalance.delay.ms: still waiting when the group moves away.
        var waiting = harness.Join(GroupHarness.JoinCommand("moving"));
        Assert.False(waiting.IsCompleted);
        var owned = true;
        harness.Coordinator.UseOwnership(_ => owned);
        owned = false;
        Assert.Equal(1, harness.Coordinator.UnloadGroups(groupId => groupId == "moving"));
        Assert.Equal(ErrorCode.NotCoordinator, (await GroupHarness.Done(waiting)).Error);
        Assert.Equal(ErrorCode.NotCoordinator, harness.Coordinator.Heartbeat("moving", 0, "m", null));

        owned = true;
        var fetched = await harness.Coordinator.FetchOffsetsAsync("moving", [("orders", 1)], CancellationToken.None);
        Assert.Equal(ErrorCode.None, fetched.Error);
        Assert.Equal((99L, "kept"), (Assert.Single(fetched.Partitions).Offset, fetched.Partitions[0].Metadata));
        Assert.Equal(GroupState.Empty, await harness.StateOf("moving"));
    }
}
