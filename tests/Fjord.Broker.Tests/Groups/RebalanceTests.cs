using Fjord.Groups;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Groups;

public sealed class RebalanceTests
{
    private const string Group = "g";

    [Fact]
    public async Task JoinWithoutMemberIdFromV4ClientGetsMemberIdRequiredAndTheRejoinWithItIsAccepted()
    {
        // No initial delay, on purpose: this is about KIP-394's member id round trip, and each join must answer at once.
        await using var h = new GroupHarness(new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = 0 });

        var first = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, requireKnownMemberId: true)));
        Assert.Equal(ErrorCode.MemberIdRequired, first.Error);
        Assert.StartsWith("client-", first.MemberId, StringComparison.Ordinal);
        Assert.Empty((await h.Coordinator.DescribeGroupAsync(Group, default)).Members);

        var second = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, first.MemberId, requireKnownMemberId: true)));
        Assert.Equal(ErrorCode.None, second.Error);
        Assert.Equal(first.MemberId, second.MemberId);
        Assert.Equal(first.MemberId, second.LeaderId);
        Assert.Equal(1, second.GenerationId);
    }

    [Fact]
    public async Task ThreeMembersFormOneGenerationWithOneLeaderWhoSeesAllMetadataAndEachGetsItsOwnAssignment()
    {
        await using var h = new GroupHarness();
        var joins = Enumerable.Range(0, 3)
            .Select(i => GroupHarness.JoinCommand(Group, protocols: [("range", [(byte)(10 + i)])]))
            .ToArray();
        var pending = joins.Select(h.Join).ToArray();
        Assert.All(pending, p => Assert.False(p.IsCompleted));

        await h.AdvanceWhile(Group, GroupState.PreparingRebalance);
        var results = await GroupHarness.Done(Task.WhenAll(pending));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Single(results.Select(r => r.GenerationId).Distinct());
        Assert.Single(results.Select(r => r.LeaderId).Distinct());
        Assert.Equal(3, results.Select(r => r.MemberId).Distinct().Count());
        var leader = Assert.Single(results, r => r.MemberId == r.LeaderId);
        Assert.Equal(
            results.Select((r, i) => (r.MemberId, (byte)(10 + i))).OrderBy(x => x.MemberId),
            leader.Members.Select(m => (m.MemberId, m.Metadata.Single())).OrderBy(x => x.MemberId));
        Assert.All(results.Where(r => r != leader), r => Assert.Empty(r.Members));
        Assert.All(results, r => Assert.Equal("range", r.ProtocolName));
        Assert.Equal(GroupState.CompletingRebalance, await h.StateOf(Group));

        var syncs = await h.SyncAll(Group, results);
        Assert.Equal(new byte[] { 0, 1, 2 }, syncs.Select(s => s.Assignment.Single()));
        Assert.Equal(GroupState.Stable, await h.StateOf(Group));
        var record = await h.Store.LoadGroupAsync(Group, default);
        Assert.Equal(results[0].GenerationId, record!.GenerationId);
        Assert.Equal(3, record.Members.Count);
    }

    [Fact]
    public async Task FourthMemberJoiningAStableGroupStartsARebalanceThatEveryoneRejoins()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));
        var generation = members[0].GenerationId;

        var fourth = h.Join(GroupHarness.JoinCommand(Group));
        Assert.Equal(GroupState.PreparingRebalance, await h.StateOf(Group));
        Assert.All(members, m => Assert.Equal(ErrorCode.RebalanceInProgress, h.Coordinator.Heartbeat(Group, generation, m.MemberId, null)));
        Assert.False(fourth.IsCompleted);

        var rejoins = members.Select(m => h.Join(GroupHarness.JoinCommand(Group, m.MemberId))).ToArray();
        var all = await GroupHarness.Done(Task.WhenAll(rejoins.Append(fourth)));
        Assert.All(all, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.All(all, r => Assert.Equal(generation + 1, r.GenerationId));
        Assert.Equal(4, all.Single(r => r.MemberId == r.LeaderId).Members.Count);

        var syncs = await h.SyncAll(Group, all);
        Assert.All(syncs, s => Assert.Equal(ErrorCode.None, s.Error));
        Assert.All(all, m => Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat(Group, generation + 1, m.MemberId, null)));
    }

    [Fact]
    public async Task MemberThatStopsHeartbeatingIsRemovedAfterTheSessionTimeoutAndTheOthersAreToldToRebalance()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));
        var (alive, silent) = (members[0], members[1]);

        // Just under the session timeout nobody is gone; the live member heartbeats, the silent one does not.
        h.Time.Advance(TimeSpan.FromMilliseconds(GroupHarness.SessionTimeoutMs - 1));
        Assert.Equal(ErrorCode.None, h.Coordinator.Heartbeat(Group, alive.GenerationId, alive.MemberId, null));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ErrorCode.RebalanceInProgress, h.Coordinator.Heartbeat(Group, alive.GenerationId, alive.MemberId, null));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat(Group, silent.GenerationId, silent.MemberId, null));

        var rejoin = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, alive.MemberId)));
        Assert.Equal(alive.GenerationId + 1, rejoin.GenerationId);
        Assert.Equal(alive.MemberId, rejoin.LeaderId);
        Assert.Single(rejoin.Members);
    }

    [Fact]
    public async Task MemberThatDoesNotRejoinWithinTheRebalanceTimeoutIsDroppedFromTheNewGeneration()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));
        var (rejoiner, laggard) = (members[0], members[1]);

        var rejoin = h.Join(GroupHarness.JoinCommand(Group, rejoiner.MemberId, protocols: [("range", [42])]));
        Assert.Equal(GroupState.PreparingRebalance, await h.StateOf(Group));

        // The laggard keeps heartbeating (so its session never lapses) but never rejoins.
        for (var i = 0; i < 5; i++)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(5000));
            Assert.Equal(ErrorCode.RebalanceInProgress, h.Coordinator.Heartbeat(Group, laggard.GenerationId, laggard.MemberId, null));
        }

        h.Time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(rejoin.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        var result = await GroupHarness.Done(rejoin);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(rejoiner.GenerationId + 1, result.GenerationId);
        Assert.Equal([rejoiner.MemberId], result.Members.Select(m => m.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, h.Coordinator.Heartbeat(Group, result.GenerationId, laggard.MemberId, null));
    }

    [Fact]
    public async Task InitialRebalanceDelayHoldsTheFirstJoinAndIsExtendedByEachNewMember()
    {
        await using var h = new GroupHarness();
        var first = h.Join(GroupHarness.JoinCommand(Group));
        h.Time.Advance(TimeSpan.FromMilliseconds(GroupHarness.InitialDelayMs - 1));
        Assert.False(first.IsCompleted);

        var second = h.Join(GroupHarness.JoinCommand(Group));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        // The delay expired with a new member in it: Kafka waits another delay instead of completing.
        Assert.Equal(GroupState.PreparingRebalance, await h.StateOf(Group));
        h.Time.Advance(TimeSpan.FromMilliseconds(GroupHarness.InitialDelayMs - 1));
        Assert.Equal(GroupState.PreparingRebalance, await h.StateOf(Group));
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        var results = await GroupHarness.Done(Task.WhenAll(first, second));
        Assert.All(results, r => Assert.Equal(1, r.GenerationId));
        Assert.Equal(2, results.Single(r => r.MemberId == r.LeaderId).Members.Count);
    }

    [Fact]
    public async Task InitialRebalanceDelayExtensionsStopAtTheRebalanceTimeout()
    {
        await using var h = new GroupHarness();
        var joins = new List<Task<JoinGroupResult>> { h.Join(GroupHarness.JoinCommand(Group, rebalanceTimeoutMs: 7000)) };
        var elapsed = 0;
        while (await h.StateOf(Group) == GroupState.PreparingRebalance)
        {
            // A new member every second would extend the delay forever without the cap.
            joins.Add(h.Join(GroupHarness.JoinCommand(Group, rebalanceTimeoutMs: 7000)));
            h.Time.Advance(TimeSpan.FromMilliseconds(1000));
            elapsed += 1000;
            Assert.True(elapsed <= 60_000);
        }

        Assert.Equal(7000, elapsed);
        Assert.All(await GroupHarness.Done(Task.WhenAll(joins)), r => Assert.Equal(ErrorCode.None, r.Error));
    }

    [Fact]
    public async Task LeaveGroupBatchRemovesNamedMembersReportsUnknownOnesAndRebalancesTheRest()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group), GroupHarness.JoinCommand(Group));

        var leave = h.Coordinator.LeaveGroup(Group, [(members[0].MemberId, null), (members[1].MemberId, null), ("never-issued", null)]);

        Assert.Equal(ErrorCode.None, leave.Error);
        Assert.Equal([ErrorCode.None, ErrorCode.None, ErrorCode.UnknownMemberId], leave.Members.Select(m => m.Error));
        Assert.Equal(ErrorCode.RebalanceInProgress, h.Coordinator.Heartbeat(Group, members[2].GenerationId, members[2].MemberId, null));
        var rejoin = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, members[2].MemberId)));
        Assert.Equal([members[2].MemberId], rejoin.Members.Select(m => m.MemberId));
    }

    [Fact]
    public async Task WhenTheLastMemberLeavesTheGroupBecomesEmptyWithANewGeneration()
    {
        await using var h = new GroupHarness();
        var members = await h.FormGroup(Group, GroupHarness.JoinCommand(Group));

        h.Coordinator.LeaveGroup(Group, [(members[0].MemberId, null)]);

        Assert.Equal(GroupState.Empty, await h.StateOf(Group));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await h.Store.LoadGroupAsync(Group, default))!.Members.Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the Empty group record was never stored");
            await Task.Delay(5);
        }

        Assert.Equal(members[0].GenerationId + 1, (await h.Store.LoadGroupAsync(Group, default))!.GenerationId);
    }

    [Fact]
    public async Task ProtocolIsChosenByMemberVotesAmongProtocolsEveryMemberSupports()
    {
        await using var h = new GroupHarness();
        var results = await h.FormGroup(
            Group,
            GroupHarness.JoinCommand(Group, protocols: [("sticky", [1]), ("roundrobin", [2]), ("range", [3])]),
            GroupHarness.JoinCommand(Group, protocols: [("roundrobin", [2]), ("range", [3])]),
            GroupHarness.JoinCommand(Group, protocols: [("range", [3]), ("roundrobin", [2])]),
            GroupHarness.JoinCommand(Group, protocols: [("roundrobin", [2]), ("range", [3]), ("sticky", [1])]));

        // sticky is not supported by everyone; roundrobin has three votes, range one.
        Assert.All(results, r => Assert.Equal("roundrobin", r.ProtocolName));
        var leader = results.Single(r => r.MemberId == r.LeaderId);
        Assert.All(leader.Members, m => Assert.Equal(new byte[] { 2 }, m.Metadata));
    }

    [Fact]
    public async Task JoinWithNoProtocolInCommonWithTheGroupIsInconsistentGroupProtocol()
    {
        await using var h = new GroupHarness();
        await h.FormGroup(Group, GroupHarness.JoinCommand(Group, protocols: [("range", [1])]));

        var other = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, protocols: [("roundrobin", [1])])));
        var otherType = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, protocolType: "connect", protocols: [("range", [1])])));

        Assert.Equal(ErrorCode.InconsistentGroupProtocol, other.Error);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, otherType.Error);
        Assert.Equal(GroupState.Stable, await h.StateOf(Group));
    }

    [Theory]
    [InlineData(5999)]
    [InlineData(1_800_001)]
    public async Task SessionTimeoutOutsideTheBrokerBoundsIsInvalidSessionTimeout(int sessionTimeoutMs)
    {
        await using var h = new GroupHarness();

        var result = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand(Group, sessionTimeoutMs: sessionTimeoutMs)));

        Assert.Equal(ErrorCode.InvalidSessionTimeout, result.Error);
    }

    [Fact]
    public async Task SyncWithStaleGenerationOrWrongProtocolIsRefused()
    {
        await using var h = new GroupHarness();
        var member = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group)))[0];

        var stale = await h.Coordinator.SyncGroupAsync(new SyncGroupCommand(Group, member.GenerationId - 1, member.MemberId, null, null, null, []), default);
        var wrongName = await h.Coordinator.SyncGroupAsync(new SyncGroupCommand(Group, member.GenerationId, member.MemberId, null, "consumer", "sticky", []), default);
        var right = await h.Coordinator.SyncGroupAsync(new SyncGroupCommand(Group, member.GenerationId, member.MemberId, null, "consumer", "range", []), default);

        Assert.Equal(ErrorCode.IllegalGeneration, stale.Error);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, wrongName.Error);
        Assert.Equal(ErrorCode.None, right.Error);
        Assert.Equal(new byte[] { 0 }, right.Assignment);
    }
}
