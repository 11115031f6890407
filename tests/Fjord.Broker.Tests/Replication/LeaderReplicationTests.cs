using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Replication;

public sealed class LeaderReplicationTests
{
    private static readonly long Far = long.MaxValue / 2;

    [Fact]
    public async Task HighWatermarkWaitsForEveryIsrMemberToFetchPastTheWrite()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1, 2], leader: 0, leaderEpoch: 1, isr: [0, 1, 2]));

        var (result, epoch) = leader.AppendAsLeader(ReplicaSetup.Batch(5), -1, 2, out var error);
        Assert.Equal(ErrorCode.None, error);
        Assert.Equal(1, epoch);
        Assert.Equal(0, leader.Log.HighWatermark);

        leader.RecordFollowerFetch(1, 5);
        Assert.Equal(0, leader.Log.HighWatermark); // follower 2's position is still unknown
        leader.RecordFollowerFetch(2, 3);
        Assert.Equal(3, leader.Log.HighWatermark);
        leader.RecordFollowerFetch(2, 5);
        Assert.Equal(5, leader.Log.HighWatermark);
        Assert.Equal(result.LastOffset + 1, leader.Log.HighWatermark);
    }

    [Fact]
    public async Task AcksAllCompletesWhenTheIsrHasTheWriteAndTimesOutOtherwise()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1], leader: 0, leaderEpoch: 0, isr: [0, 1]));
        var (result, epoch) = leader.AppendAsLeader(ReplicaSetup.Batch(2), -1, 2, out _);

        var wait = leader.WaitForCommitAsync(result.LastOffset + 1, epoch, 2, Far, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        leader.RecordFollowerFetch(1, result.LastOffset + 1);
        Assert.Equal(ErrorCode.None, await wait.WaitAsync(TimeSpan.FromSeconds(10)));

        var (second, _) = leader.AppendAsLeader(ReplicaSetup.Batch(1), -1, 2, out _);
        var deadline = setup.Time.GetTimestamp() + setup.Time.TimestampFrequency; // one second of fake time
        var timedOut = leader.WaitForCommitAsync(second.LastOffset + 1, epoch, 2, deadline, CancellationToken.None);
        await Fjord.Testing.Poll.UntilAsync(() =>
        {
            setup.Time.Advance(TimeSpan.FromMilliseconds(200));
            return timedOut.IsCompleted;
        }, TimeSpan.FromSeconds(10), "the acks=all wait to time out");
        Assert.Equal(ErrorCode.RequestTimedOut, await timedOut);
    }

    [Fact]
    public async Task AcksAllIsRefusedBeforeAppendingWhenTheIsrIsBelowMinInsyncReplicas()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1, 2], leader: 0, leaderEpoch: 0, isr: [0]));

        leader.AppendAsLeader(ReplicaSetup.Batch(1), -1, 2, out var error);
        Assert.Equal(ErrorCode.NotEnoughReplicas, error);
        Assert.Equal(0, leader.Log.LogEndOffset);

        leader.AppendAsLeader(ReplicaSetup.Batch(1), 1, 2, out error); // acks=1 does not check the ISR size
        Assert.Equal(ErrorCode.None, error);
        Assert.Equal(1, leader.Log.HighWatermark);
    }

    [Fact]
    public async Task ALeaderThatLosesItsOfficeFailsWaitingProducersAndRefusesAppends()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1], leader: 0, leaderEpoch: 3, isr: [0, 1]));
        var (result, epoch) = leader.AppendAsLeader(ReplicaSetup.Batch(1), -1, 1, out _);
        var wait = leader.WaitForCommitAsync(result.LastOffset + 1, epoch, 1, Far, CancellationToken.None);

        leader.Apply(await setup.WriteStateAsync([0, 1], leader: 1, leaderEpoch: 4, isr: [0, 1]));

        Assert.Equal(ErrorCode.NotLeaderOrFollower, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        leader.AppendAsLeader(ReplicaSetup.Batch(1), 1, 1, out var error);
        Assert.Equal(ErrorCode.NotLeaderOrFollower, error);
        Assert.True(leader.IsFollowing(4));
    }

    [Fact]
    public async Task ALaggingFollowerLeavesTheIsrThroughTheStoreAndTheHighWatermarkMovesOn()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1, 2], leader: 0, leaderEpoch: 0, isr: [0, 1, 2]));
        var (result, epoch) = leader.AppendAsLeader(ReplicaSetup.Batch(4), -1, 2, out _);
        leader.RecordFollowerFetch(1, 4);
        var wait = leader.WaitForCommitAsync(result.LastOffset + 1, epoch, 2, Far, CancellationToken.None);

        setup.Time.Advance(TimeSpan.FromSeconds(11));
        leader.RecordFollowerFetch(1, 4); // follower 1 keeps up, follower 2 has been silent for 11 s
        leader.MaybeShrinkIsr(10_000);

        Assert.Equal(ErrorCode.None, await wait.WaitAsync(TimeSpan.FromSeconds(10)));
        var stored = await setup.Store.GetPartitionStateAsync("t", 0, CancellationToken.None);
        Assert.Equal([0, 1], stored!.Isr);
        Assert.Equal([0, 1], leader.Isr);
        Assert.Equal(4, leader.Log.HighWatermark);
    }

    [Fact]
    public async Task ALeaderCutOffFromTheStoreKeepsItsIsrAndCommitsNothingWithoutIt()
    {
        using var setup = new ReplicaSetup();
        var unreachable = new UnreachableControllerStore();
        var leader = setup.Host(0, unreachable);
        leader.Apply(await setup.WriteStateAsync([0, 1, 2], leader: 0, leaderEpoch: 0, isr: [0, 1, 2]));
        var (result, epoch) = leader.AppendAsLeader(ReplicaSetup.Batch(1), -1, 2, out _);
        leader.RecordFollowerFetch(1, 1);

        setup.Time.Advance(TimeSpan.FromSeconds(31));
        leader.RecordFollowerFetch(1, 1);
        leader.MaybeShrinkIsr(30_000);
        await Fjord.Testing.Poll.UntilAsync(() => unreachable.Attempts > 0, TimeSpan.FromSeconds(10), "the shrink to be proposed");

        // The shrink never reached the store, so the write is still waiting for follower 2.
        Assert.Equal(0, leader.Log.HighWatermark);
        Assert.Equal([0, 1, 2], leader.Isr);
        var wait = leader.WaitForCommitAsync(result.LastOffset + 1, epoch, 2, setup.Time.GetTimestamp(), CancellationToken.None);
        Assert.Equal(ErrorCode.RequestTimedOut, await wait);
    }

    [Fact]
    public async Task AFollowerThatCatchesUpJoinsTheIsr()
    {
        using var setup = new ReplicaSetup();
        var leader = setup.Host(0);
        leader.Apply(await setup.WriteStateAsync([0, 1], leader: 0, leaderEpoch: 2, isr: [0]));
        leader.AppendAsLeader(ReplicaSetup.Batch(3), 1, 1, out _);
        Assert.Equal(3, leader.Log.HighWatermark);

        leader.RecordFollowerFetch(1, 1); // behind the high watermark: not yet
        Assert.Equal([0], leader.Isr);
        leader.RecordFollowerFetch(1, 3);
        await Fjord.Testing.Poll.UntilAsync(() => leader.Isr.Count == 2, TimeSpan.FromSeconds(10), "follower 1 to join the ISR");
        Assert.Equal([0, 1], (await setup.Store.GetPartitionStateAsync("t", 0, CancellationToken.None))!.Isr);
    }

    private sealed class UnreachableControllerStore : IControllerStore
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task<AlterPartitionOutcome> AlterPartitionAsync(PartitionState proposed, int expectedPartitionEpoch, CancellationToken ct)
        {
            Interlocked.Increment(ref _attempts);
            throw new IOException("table storage is unreachable");
        }

        public Task<ControllerClaim> TryClaimControllerAsync(int nodeId, Guid incarnationId, TimeSpan leaseDuration, CancellationToken ct) => throw new IOException("unreachable");
        public Task<ControllerLease?> GetControllerAsync(CancellationToken ct) => throw new IOException("unreachable");
        public Task<WriteOutcome> WritePartitionStatesAsync(ControllerToken token, IReadOnlyList<(PartitionState State, int? ExpectedPartitionEpoch)> changes, CancellationToken ct) => throw new IOException("unreachable");
        public Task<PartitionState?> GetPartitionStateAsync(string topic, int partition, CancellationToken ct) => throw new IOException("unreachable");
        public Task<IReadOnlyList<PartitionState>> ListPartitionStatesAsync(CancellationToken ct) => throw new IOException("unreachable");
    }
}
