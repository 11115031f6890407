using Fjord.Cluster;
using Fjord.Controller;

namespace Fjord.Broker.Tests.Controller;

public sealed class PartitionReassignmentTests
{
    private static readonly HashSet<int> AllLive = [1, 2, 3, 4, 5];

    private static PartitionState State(int[] replicas, int leader, int[] isr) => new("t", 0, replicas, leader, 5, isr, 9);

    [Fact]
    public void StartingPutsTheTargetFirstAndTheLeavingReplicasAfterItWithTheIsrAndLeaderUnchanged()
    {
        var moving = PartitionReassignment.Start(State([1, 2, 3], 1, [1, 2, 3]), [4, 2, 5], AllLive);

        Assert.Equal([4, 2, 5, 1, 3], moving.Replicas);
        Assert.Equal([4, 5], moving.AddingReplicas);
        Assert.Equal([1, 3], moving.RemovingReplicas);
        Assert.Equal([1, 2, 3], moving.Isr);
        Assert.Equal(1, moving.Leader);
        Assert.Equal(5, moving.LeaderEpoch);
        Assert.Equal(10, moving.PartitionEpoch);
        Assert.Equal([4, 2, 5], PartitionReassignment.TargetReplicas(moving));
        Assert.Equal([2, 1, 3], PartitionReassignment.OriginalReplicas(moving));
    }

    [Fact]
    public void ATargetOfTheSameReplicasOnlyReordersThem()
    {
        var reordered = PartitionReassignment.Start(State([1, 2, 3], 1, [1, 2, 3]), [3, 1, 2], AllLive);

        Assert.Equal([3, 1, 2], reordered.Replicas);
        Assert.False(reordered.IsReassigning);
        Assert.Equal(1, reordered.Leader);
        Assert.Equal(10, reordered.PartitionEpoch);
    }

    [Fact]
    public void ATargetThatOnlyRemovesReplicasCompletesAtOnceAndMovesLeadershipOffALeavingLeader()
    {
        var shrunk = PartitionReassignment.Start(State([1, 2, 3], 1, [1, 2, 3]), [3, 2], AllLive);

        Assert.Equal([3, 2], shrunk.Replicas);
        Assert.Equal([2, 3], shrunk.Isr);
        Assert.Equal(3, shrunk.Leader);
        Assert.Equal(6, shrunk.LeaderEpoch);
        Assert.Equal(10, shrunk.PartitionEpoch);
        Assert.False(shrunk.IsReassigning);
    }

    [Fact]
    public void CompletionWaitsForEveryAddingReplicaToBeInSync()
    {
        var moving = PartitionReassignment.Start(State([1, 2, 3], 2, [1, 2, 3]), [2, 3, 4], AllLive);

        Assert.Null(PartitionReassignment.TryComplete(moving, AllLive));
        var done = PartitionReassignment.TryComplete(moving with { Isr = [1, 2, 3, 4] }, AllLive);

        Assert.Equal([2, 3, 4], done!.Replicas);
        Assert.Equal([2, 3, 4], done.Isr);
        Assert.Equal(2, done.Leader);
        Assert.Equal(5, done.LeaderEpoch);
        Assert.Null(PartitionReassignment.TryComplete(done, AllLive));
    }

    [Fact]
    public void CancellingDropsTheAddingReplicasAndALeaderAmongThem()
    {
        var moving = new PartitionState("t", 0, [4, 2, 1], 4, 5, [4, 2, 1], 9, AddingReplicas: [4], RemovingReplicas: [1]);

        var reverted = PartitionReassignment.Revert(moving, AllLive);

        Assert.Equal([2, 1], reverted.Replicas);
        Assert.Equal([2, 1], reverted.Isr);
        Assert.Equal(2, reverted.Leader);
        Assert.Equal(6, reverted.LeaderEpoch);
        Assert.Equal(10, reverted.PartitionEpoch);
        Assert.False(reverted.IsReassigning);
    }

    [Fact]
    public void ANewTargetDuringAReassignmentStartsFromTheOriginalReplicas()
    {
        var moving = PartitionReassignment.Start(State([1, 2, 3], 1, [1, 2, 3]), [2, 3, 4], AllLive);

        var redirected = PartitionReassignment.Start(moving, [2, 3, 5], AllLive);

        Assert.Equal([5], redirected.AddingReplicas);
        Assert.Equal([1], redirected.RemovingReplicas);
        Assert.Equal([2, 3, 5, 1], redirected.Replicas);
        Assert.Equal(11, redirected.PartitionEpoch);
    }
}
