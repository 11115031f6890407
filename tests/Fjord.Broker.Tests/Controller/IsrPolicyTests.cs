using Fjord.Controller;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Controller;

public sealed class IsrPolicyTests
{
    [Fact]
    public void FollowerLaggingLongerThanTheMaximumLeavesTheIsr()
    {
        var caughtUp = new Dictionary<int, long> { [2] = 999, [3] = 20_000 };

        var isr = IsrPolicy.Shrink([1, 2, 3], leaderId: 1, caughtUp, nowMs: 31_000, replicaLagTimeMaxMs: 30_000);

        Assert.Equal([1, 3], isr);
    }

    [Fact]
    public void FollowerExactlyAtTheLagMaximumStays()
    {
        var caughtUp = new Dictionary<int, long> { [2] = 1_000 };

        var isr = IsrPolicy.Shrink([1, 2], leaderId: 1, caughtUp, nowMs: 31_000, replicaLagTimeMaxMs: 30_000);

        Assert.Equal([1, 2], isr);
    }

    [Fact]
    public void TheLeaderNeverShrinksItselfOutAndUnknownFollowersAreOutOfSync()
    {
        var isr = IsrPolicy.Shrink([1, 2], leaderId: 1, new Dictionary<int, long>(), nowMs: 10, replicaLagTimeMaxMs: 30_000);

        Assert.Equal([1], isr);
    }

    [Theory]
    [InlineData(100, 100, 50, true)]
    [InlineData(120, 100, 50, true)]
    [InlineData(99, 100, 50, false)]
    [InlineData(100, 100, 101, false)]
    public void FollowerIsCaughtUpAtTheHighWatermarkAndTheLeaderEpochStart(long leo, long hw, long epochStart, bool expected)
    {
        Assert.Equal(expected, IsrPolicy.IsCaughtUp(leo, hw, epochStart));
    }

    [Fact]
    public void CaughtUpReplicasJoinTheIsrInReplicaOrder()
    {
        var leos = new Dictionary<int, long> { [1] = 200, [2] = 150, [3] = 90, [4] = 100 };

        var isr = IsrPolicy.Expand([1], [1, 4, 3, 2], leos, highWatermark: 100, leaderEpochStartOffset: 80);

        Assert.Equal([1, 4, 2], isr);
    }

    [Fact]
    public void ReplicaWithoutAKnownEndOffsetDoesNotJoin()
    {
        var isr = IsrPolicy.Expand([1], [1, 2], new Dictionary<int, long>(), highWatermark: 0, leaderEpochStartOffset: 0);

        Assert.Equal([1], isr);
    }

    [Fact]
    public void HighWatermarkIsTheSmallestEndOffsetInTheIsr()
    {
        var leos = new Dictionary<int, long> { [1] = 200, [2] = 150, [3] = 10 };

        Assert.Equal(150, IsrPolicy.HighWatermark(100, [1, 2], leos));
    }

    [Fact]
    public void HighWatermarkNeverMovesBackward()
    {
        var leos = new Dictionary<int, long> { [1] = 200, [3] = 90 };

        Assert.Equal(100, IsrPolicy.HighWatermark(100, [1, 3], leos));
    }

    [Fact]
    public void HighWatermarkWaitsForAnIsrMemberWhoseEndOffsetIsUnknown()
    {
        var leos = new Dictionary<int, long> { [1] = 200 };

        Assert.Equal(100, IsrPolicy.HighWatermark(100, [1, 2], leos));
    }

    [Theory]
    [InlineData(1, 2, ErrorCode.NotEnoughReplicas)]
    [InlineData(2, 2, ErrorCode.None)]
    [InlineData(3, 2, ErrorCode.None)]
    [InlineData(1, 1, ErrorCode.None)]
    public void AcksAllIsRefusedBelowMinInsyncReplicas(int isrSize, int minInsync, ErrorCode expected)
    {
        Assert.Equal(expected, IsrPolicy.CanCommitAcksAll(isrSize, minInsync));
    }
}
