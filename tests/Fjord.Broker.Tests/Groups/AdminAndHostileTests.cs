using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Groups;

public sealed class AdminAndHostileTests
{
    [Fact]
    public async Task DeletingAGroupWithMembersIsNonEmptyGroupAndDeletingAnEmptyOneRemovesItsOffsets()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup("g", GroupHarness.JoinCommand("g")))[0];
        await h.Coordinator.CommitOffsetsAsync("g", m.GenerationId, m.MemberId, null, [new OffsetCommitEntry("t", 0, 5, -1, null)], default);

        Assert.Equal(ErrorCode.NonEmptyGroup, await h.Coordinator.DeleteGroupAsync("g", default));

        h.Coordinator.LeaveGroup("g", [(m.MemberId, null)]);
        Assert.Equal(ErrorCode.None, await h.Coordinator.DeleteGroupAsync("g", default));
        Assert.Equal(ErrorCode.GroupIdNotFound, await h.Coordinator.DeleteGroupAsync("g", default));
        Assert.Equal(ErrorCode.GroupIdNotFound, await h.Coordinator.DeleteGroupAsync("never-existed", default));
        Assert.Empty(await h.Store.FetchAsync("g", default));
        Assert.Null(await h.Store.LoadGroupAsync("g", default));
        Assert.Equal(-1, (await h.Coordinator.FetchOffsetsAsync("g", [("t", 0)], default)).Partitions.Single().Offset);
        Assert.Equal(GroupState.Dead, await h.StateOf("g"));
    }

    [Fact]
    public async Task ListGroupsFiltersByStateAndTypeAndIncludesGroupsOnlyTheStoreKnows()
    {
        var store = new Fjord.Cluster.InMemoryOffsetStore();
        await store.CommitAsync("stored-only", [new Fjord.Cluster.CommittedOffset("t", 0, 1, -1, "", DateTimeOffset.UnixEpoch)], default);
        await using var h = new GroupHarness(store: store);
        await h.FormGroup("stable", GroupHarness.JoinCommand("stable"));
        _ = h.Join(GroupHarness.JoinCommand("preparing"));

        var all = await h.Coordinator.ListGroupsAsync(null, null, default);
        var stable = await h.Coordinator.ListGroupsAsync(new HashSet<string> { "stable" }, null, default);
        var classic = await h.Coordinator.ListGroupsAsync(null, new HashSet<string> { "Classic" }, default);
        var consumerType = await h.Coordinator.ListGroupsAsync(null, new HashSet<string> { "consumer" }, default);

        Assert.Equal(
            [("preparing", GroupState.PreparingRebalance), ("stable", GroupState.Stable), ("stored-only", GroupState.Empty)],
            all.Select(g => (g.GroupId, g.State)));
        Assert.Equal(["stable"], stable.Select(g => g.GroupId));
        Assert.Equal(3, classic.Count);
        Assert.Empty(consumerType);
        Assert.All(all, g => Assert.Equal("classic", g.GroupType));
    }

    [Fact]
    public async Task DescribeShowsMembersWithMetadataAndAssignmentOnlyWhenStableAndUnknownGroupsAsDead()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup("g", GroupHarness.JoinCommand("g", protocols: [("range", [7, 7])])))[0];

        var stable = await h.Coordinator.DescribeGroupAsync("g", default);
        _ = h.Join(GroupHarness.JoinCommand("g"));
        var preparing = await h.Coordinator.DescribeGroupAsync("g", default);
        var unknown = await h.Coordinator.DescribeGroupAsync("unknown", default);

        Assert.Equal((GroupState.Stable, "consumer", "range"), (stable.State, stable.ProtocolType, stable.ProtocolName));
        var member = Assert.Single(stable.Members);
        Assert.Equal((m.MemberId, "client", "/127.0.0.1"), (member.MemberId, member.ClientId, member.ClientHost));
        Assert.Equal(new byte[] { 7, 7 }, member.Metadata);
        Assert.Equal(new byte[] { 0 }, member.Assignment);
        Assert.Equal(GroupState.PreparingRebalance, preparing.State);
        Assert.All(preparing.Members, x => Assert.Empty(x.Metadata));
        Assert.Equal((ErrorCode.None, GroupState.Dead), (unknown.Error, unknown.State));
    }

    [Fact]
    public async Task GroupMaxSizeRefusesTheMemberBeyondTheLimit()
    {
        await using var h = new GroupHarness(new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = GroupHarness.InitialDelayMs, GroupMaxSize = 3 });
        var joins = Enumerable.Range(0, 3).Select(_ => h.Join(GroupHarness.JoinCommand("g"))).ToArray();

        var extra = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g")));

        Assert.Equal(ErrorCode.GroupMaxSizeReached, extra.Error);
        await h.AdvanceWhile("g", GroupState.PreparingRebalance);
        Assert.All(await GroupHarness.Done(Task.WhenAll(joins)), r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Equal(ErrorCode.GroupMaxSizeReached, (await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g")))).Error);
    }

    [Fact]
    public async Task AThousandMembersJoinOneGenerationWithoutTrouble()
    {
        await using var h = new GroupHarness();
        var joins = Enumerable.Range(0, 1000).Select(_ => GroupHarness.JoinCommand("big")).ToArray();

        var results = await h.FormGroup("big", joins);

        // 1000 members' ids and subscriptions exceed the store's 64 KiB group record: the record is
        // stored slimmer, but the group still stabilises and its generation is durable.
        Assert.Equal(GroupState.Stable, await h.StateOf("big"));
        Assert.Equal(1000, results.Select(r => r.MemberId).Distinct().Count());
        Assert.Equal(1000, results.Single(r => r.MemberId == r.LeaderId).Members.Count);
        Assert.Equal(results[0].GenerationId, (await h.Store.LoadGroupAsync("big", default))!.GenerationId);
    }

    [Fact]
    public async Task MemberIdsNeverIssuedAndUnknownGroupsGetUnknownMemberId()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup("g", GroupHarness.JoinCommand("g")))[0];

        Assert.Equal(ErrorCode.UnknownMemberId, (await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g", "forged-id")))).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, (await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("no-such-group", "forged-id")))).Error);
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat("g", m.GenerationId, "forged-id", null));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat("no-such-group", 1, "forged-id", null));
        Assert.Equal(ErrorCode.IllegalGeneration, h.Coordinator.Heartbeat("g", m.GenerationId + 5, m.MemberId, null));
        var sync = await h.Coordinator.SyncGroupAsync(new SyncGroupCommand("g", m.GenerationId, "forged-id", null, null, null, []), default);
        Assert.Equal(ErrorCode.UnknownMemberId, sync.Error);
        var leave = h.Coordinator.LeaveGroup("no-such-group", [("forged-id", null)]);
        Assert.Equal(ErrorCode.UnknownMemberId, leave.Members.Single().Error);
        Assert.Equal(ErrorCode.InvalidGroupId, (await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("")))).Error);
        Assert.Equal(ErrorCode.InvalidGroupId, h.Coordinator.Heartbeat("", 1, m.MemberId, null));
        Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat("g", m.GenerationId, m.MemberId, null));
    }

    [Fact]
    public async Task GarbageProtocolMetadataAndAssignmentsPassThroughUntouched()
    {
        await using var h = new GroupHarness();
        var garbage = new byte[4096];
        new Random(1234).NextBytes(garbage);
        var join = h.Join(GroupHarness.JoinCommand("g", protocolType: "weird", protocols: [("x", garbage)]));
        await h.AdvanceWhile("g", GroupState.PreparingRebalance);
        var leader = await GroupHarness.Done(join);
        Assert.Equal(garbage, leader.Members.Single().Metadata);

        var assignment = garbage.Reverse().ToArray();
        var sync = await h.Coordinator.SyncGroupAsync(
            new SyncGroupCommand("g", leader.GenerationId, leader.MemberId, null, "weird", "x", [(leader.MemberId, assignment)]), default);

        Assert.Equal(assignment, sync.Assignment);
        Assert.Equal(garbage, (await h.Coordinator.DescribeGroupAsync("g", default)).Members.Single().Metadata);
    }

    [Fact]
    public async Task EmptyProtocolListIsInconsistentGroupProtocol()
    {
        await using var h = new GroupHarness();

        var join = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g", protocols: [])));

        Assert.Equal(ErrorCode.InconsistentGroupProtocol, join.Error);
    }
}
