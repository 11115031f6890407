using Fjord.Cluster;
using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

public sealed class LeaderElectionTests
{
    private static PartitionState State(int[] replicas, int leader, int[] isr, int leaderEpoch = 5, int partitionEpoch = 10) =>
        new("orders", 0, replicas, leader, leaderEpoch, isr, partitionEpoch);

    private static HashSet<int> Live(params int[] ids) => [.. ids];

    [Fact]
    public void DeadLeaderIsReplacedByTheFirstLiveIsrMemberInReplicaOrder()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 3, 2]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(2, 3), uncleanLeaderElectionEnable: false);

        Assert.True(result.Changed);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(2, result.State.Leader);
        Assert.Equal([3, 2], result.State.Isr);
        Assert.Equal(6, result.State.LeaderEpoch);
        Assert.Equal(11, result.State.PartitionEpoch);
    }

    [Fact]
    public void LiveReplicaOutsideTheIsrIsNotElectedCleanly()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 3]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(2, 3), uncleanLeaderElectionEnable: false);

        Assert.Equal(3, result.State.Leader);
        Assert.Equal([3], result.State.Isr);
    }

    [Fact]
    public void DeadFollowerLeavesTheIsrWithoutALeaderEpochBump()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 2, 3]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(1, 3), uncleanLeaderElectionEnable: false);

        Assert.True(result.Changed);
        Assert.Equal(1, result.State.Leader);
        Assert.Equal([1, 3], result.State.Isr);
        Assert.Equal(5, result.State.LeaderEpoch);
        Assert.Equal(11, result.State.PartitionEpoch);
    }

    [Fact]
    public void DeathOfABrokerOutsideTheIsrChangesNothing()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 2]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(1, 2), uncleanLeaderElectionEnable: false);

        Assert.False(result.Changed);
        Assert.Same(state, result.State);
    }

    [Fact]
    public void WithNoLiveIsrMemberCleanElectionLeavesThePartitionOfflineKeepingItsIsr()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(2, 3), uncleanLeaderElectionEnable: false);

        Assert.True(result.Changed);
        Assert.True(result.IsOffline);
        Assert.Equal(PartitionState.NoLeader, result.State.Leader);
        Assert.Equal([1], result.State.Isr);
        Assert.Equal(6, result.State.LeaderEpoch);
        Assert.Equal(11, result.State.PartitionEpoch);
    }

    [Fact]
    public void WithNoLiveIsrMemberUncleanElectionPicksTheFirstLiveReplicaAlone()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(3, 2), uncleanLeaderElectionEnable: true);

        Assert.Equal(2, result.State.Leader);
        Assert.Equal([2], result.State.Isr);
        Assert.Equal(6, result.State.LeaderEpoch);
        Assert.Equal(11, result.State.PartitionEpoch);
    }

    [Fact]
    public void UncleanElectionIsNotUsedWhileAnIsrMemberIsLive()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 3]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(2, 3), uncleanLeaderElectionEnable: true);

        Assert.Equal(3, result.State.Leader);
    }

    [Fact]
    public void WithEveryReplicaDeadEvenUncleanElectionLeavesThePartitionOffline()
    {
        var state = State([1, 2], leader: 1, isr: [1, 2]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(7), uncleanLeaderElectionEnable: true);

        Assert.True(result.IsOffline);
        Assert.Equal([1, 2], result.State.Isr);
    }

    [Fact]
    public void AnAlreadyOfflinePartitionIsNotRewrittenWhenNothingChanged()
    {
        var state = State([1, 2], leader: PartitionState.NoLeader, isr: [1]);

        var result = LeaderElection.ElectOnBrokerFailure(state, Live(2), uncleanLeaderElectionEnable: false);

        Assert.False(result.Changed);
        Assert.Equal(10, result.State.PartitionEpoch);
    }

    [Fact]
    public void ReturningBrokerIsNotPutBackIntoTheIsrByTheController()
    {
        var state = State([1, 2, 3], leader: 2, isr: [2, 3]);

        var result = LeaderElection.OnBrokerReturn(state, 1, Live(2, 3), uncleanLeaderElectionEnable: false);

        Assert.False(result.Changed);
        Assert.Same(state, result.State);
    }

    [Fact]
    public void ReturningIsrMemberLeadsAnOfflinePartition()
    {
        var state = State([1, 2, 3], leader: PartitionState.NoLeader, isr: [3], leaderEpoch: 6, partitionEpoch: 11);

        var result = LeaderElection.OnBrokerReturn(state, 3, Live(), uncleanLeaderElectionEnable: false);

        Assert.True(result.Changed);
        Assert.Equal(3, result.State.Leader);
        Assert.Equal([3], result.State.Isr);
        Assert.Equal(7, result.State.LeaderEpoch);
        Assert.Equal(12, result.State.PartitionEpoch);
    }

    [Fact]
    public void ReturningReplicaOutsideTheIsrLeavesAnOfflinePartitionOfflineUnlessUncleanIsEnabled()
    {
        var state = State([1, 2, 3], leader: PartitionState.NoLeader, isr: [3]);

        var clean = LeaderElection.OnBrokerReturn(state, 1, Live(2), uncleanLeaderElectionEnable: false);
        var unclean = LeaderElection.OnBrokerReturn(state, 1, Live(2), uncleanLeaderElectionEnable: true);

        Assert.False(clean.Changed);
        Assert.True(clean.IsOffline);
        Assert.Equal(1, unclean.State.Leader);
        Assert.Equal([1], unclean.State.Isr);
        Assert.Equal(6, unclean.State.LeaderEpoch);
    }

    [Fact]
    public void ReturningBrokerThatIsNoReplicaChangesNothing()
    {
        var state = State([1, 2], leader: PartitionState.NoLeader, isr: [1]);

        var result = LeaderElection.OnBrokerReturn(state, 9, Live(2), uncleanLeaderElectionEnable: true);

        Assert.False(result.Changed);
    }

    [Fact]
    public void PreferredReplicaInTheIsrTakesLeadershipBack()
    {
        var state = State([1, 2, 3], leader: 2, isr: [2, 3, 1]);

        var result = LeaderElection.ElectPreferred(state, Live(1, 2, 3));

        Assert.True(result.Changed);
        Assert.Equal(ErrorCode.None, result.Error);
        Assert.Equal(1, result.State.Leader);
        Assert.Equal([2, 3, 1], result.State.Isr);
        Assert.Equal(6, result.State.LeaderEpoch);
        Assert.Equal(11, result.State.PartitionEpoch);
    }

    [Fact]
    public void PreferredElectionIsNotNeededWhenThePreferredReplicaLeads()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 2, 3]);

        var result = LeaderElection.ElectPreferred(state, Live(1, 2, 3));

        Assert.False(result.Changed);
        Assert.Equal(ErrorCode.ElectionNotNeeded, result.Error);
        Assert.Same(state, result.State);
    }

    [Fact]
    public void PreferredReplicaOutsideTheIsrIsNotAvailable()
    {
        var state = State([1, 2, 3], leader: 2, isr: [2, 3]);

        var result = LeaderElection.ElectPreferred(state, Live(1, 2, 3));

        Assert.False(result.Changed);
        Assert.Equal(ErrorCode.PreferredLeaderNotAvailable, result.Error);
        Assert.NotNull(result.ErrorMessage);
    }

    [Fact]
    public void DeadPreferredReplicaIsNotAvailable()
    {
        var state = State([1, 2, 3], leader: 2, isr: [1, 2, 3]);

        var result = LeaderElection.ElectPreferred(state, Live(2, 3));

        Assert.Equal(ErrorCode.PreferredLeaderNotAvailable, result.Error);
        Assert.Equal(2, result.State.Leader);
    }

    [Fact]
    public void FailureThenReturnThenPreferredElectionBumpsEpochsOncePerChange()
    {
        var state = State([1, 2, 3], leader: 1, isr: [1, 2, 3], leaderEpoch: 0, partitionEpoch: 0);

        var failed = LeaderElection.ElectOnBrokerFailure(state, Live(2, 3), uncleanLeaderElectionEnable: false).State;
        var back = LeaderElection.OnBrokerReturn(failed, 1, Live(2, 3), uncleanLeaderElectionEnable: false).State;
        var rejoined = back with { Isr = [2, 3, 1], PartitionEpoch = back.PartitionEpoch + 1 }; // the leader's AlterPartition
        var preferred = LeaderElection.ElectPreferred(rejoined, Live(1, 2, 3)).State;

        Assert.Equal((2, 1, 1), (failed.Leader, failed.LeaderEpoch, failed.PartitionEpoch));
        Assert.Same(failed, back);
        Assert.Equal((1, 2, 3), (preferred.Leader, preferred.LeaderEpoch, preferred.PartitionEpoch));
    }
}
