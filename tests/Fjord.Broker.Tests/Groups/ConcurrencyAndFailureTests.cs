using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Broker.Tests.Groups;

public sealed class ConcurrencyAndFailureTests
{
    [Fact]
    public async Task AMemberStillHoldingMemberIdRequiredKeepsTheRebalanceOpenUntilItRejoins()
    {
        // No initial delay, on purpose: the joins here must complete as soon as every member is in, without a fake-clock step.
        await using var h = new GroupHarness(new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = 0 });
        var first = (await h.FormGroup("g", GroupHarness.JoinCommand("g")))[0];

        var pendingId = (await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g", requireKnownMemberId: true)))).MemberId;
        var other = h.Join(GroupHarness.JoinCommand("g"));
        var rejoin = h.Join(GroupHarness.JoinCommand("g", first.MemberId));
        h.Time.Advance(TimeSpan.FromMilliseconds(1000));
        Assert.False(rejoin.IsCompleted);

        var pending = await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g", pendingId, requireKnownMemberId: true)));
        var results = await GroupHarness.Done(Task.WhenAll(rejoin, other));

        Assert.Equal(3, results[0].Members.Count + results[1].Members.Count + pending.Members.Count);
        Assert.Single(new[] { pending.GenerationId, results[0].GenerationId, results[1].GenerationId }.Distinct());
    }

    [Fact]
    public async Task APendingMemberThatNeverRejoinsExpiresAfterItsSessionTimeout()
    {
        // No initial delay, on purpose: the joins here must complete as soon as every member is in, without a fake-clock step.
        await using var h = new GroupHarness(new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = 0 });
        var first = (await h.FormGroup("g", GroupHarness.JoinCommand("g")))[0];
        await GroupHarness.Done(h.Join(GroupHarness.JoinCommand("g", requireKnownMemberId: true)));

        var rejoin = h.Join(GroupHarness.JoinCommand("g", first.MemberId));
        h.Time.Advance(TimeSpan.FromMilliseconds(GroupHarness.SessionTimeoutMs - 1));
        Assert.False(rejoin.IsCompleted);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(ErrorCode.None, (await GroupHarness.Done(rejoin)).Error);
    }

    [Fact]
    public async Task WhenTheGroupRecordCannotBeStoredTheSyncFailsAndTheGroupRebalances()
    {
        var store = new RecordRefusingStore();
        await using var h = new GroupHarness(store: null);
        await using var coordinator = new GroupCoordinator(h.Config, store, h.Time, NullLogger<GroupCoordinator>.Instance);
        var join = coordinator.JoinGroupAsync(GroupHarness.JoinCommand("g"), default);
        h.Time.Advance(TimeSpan.FromMilliseconds(GroupHarness.InitialDelayMs));
        var member = await GroupHarness.Done(join);

        var sync = await GroupHarness.Done(coordinator.SyncGroupAsync(
            new SyncGroupCommand("g", member.GenerationId, member.MemberId, null, null, null, [(member.MemberId, [1])]), default));

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, sync.Error);
        Assert.Equal(GroupState.PreparingRebalance, (await coordinator.DescribeGroupAsync("g", default)).State);
    }

    [Fact]
    public async Task ManyMembersJoiningSyncingAndHeartbeatingOnRealThreadsEndInOneConsistentStableGeneration()
    {
        // No initial delay, on purpose: members on real threads rejoin at their own pace; the test is about
        // ending in one consistent generation, not about waiting for peers.
        var config = new GroupCoordinatorConfig { GroupInitialRebalanceDelayMs = 0 };
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(50));
        await using var h = new GroupHarness(config, time: time);
        const int members = 40;

        // Every member runs a client's loop: join, sync, heartbeat, and rejoin whenever told to, until the
        // whole group is Stable. Settled members keep heartbeating, as real clients do, so late joiners' rebalances complete.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var clients = Enumerable.Range(0, members).Select(_ => Task.Run(async () =>
        {
            var memberId = "";
            var generation = -1;
            var needJoin = true;
            while (true)
            {
                Assert.True(DateTime.UtcNow < deadline, "the group never settled");
                if (needJoin)
                {
                    var join = await GroupHarness.Done(h.Coordinator.JoinGroupAsync(GroupHarness.JoinCommand("g", memberId), default));
                    memberId = join.MemberId;
                    if (join.Error != ErrorCode.None)
                    {
                        continue;
                    }

                    generation = join.GenerationId;
                    var assignments = join.Members.Select(m => (m.MemberId, new byte[] { 1 })).ToList();
                    var sync = await GroupHarness.Done(h.Coordinator.SyncGroupAsync(
                        new SyncGroupCommand("g", generation, memberId, null, null, null, assignments), default));
                    needJoin = sync.Error != ErrorCode.None;
                    continue;
                }

                if (h.Coordinator.Heartbeat("g", generation, memberId, null) != ErrorCode.None)
                {
                    needJoin = true;
                    continue;
                }

                var now = await h.Coordinator.DescribeGroupAsync("g", default);
                if (now.State == GroupState.Stable && now.Members.Count == members && now.Members.Any(m => m.MemberId == memberId))
                {
                    return (memberId, generation);
                }

                await Task.Delay(1);
            }
        })).ToArray();

        var settled = await Task.WhenAll(clients).WaitAsync(TimeSpan.FromSeconds(90));
        var description = await h.Coordinator.DescribeGroupAsync("g", default);

        Assert.Equal(GroupState.Stable, description.State);
        Assert.Equal(members, description.Members.Count);
        Assert.Equal(settled.Select(s => s.memberId).Order(), description.Members.Select(m => m.MemberId).Order());
        Assert.All(description.Members, m => Assert.Equal(new byte[] { 1 }, m.Assignment));
        Assert.Single(settled.Select(s => s.generation).Distinct());
    }

    private sealed class RecordRefusingStore : IOffsetStore
    {
        private readonly InMemoryOffsetStore _inner = new();

        public Task CommitAsync(string groupId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct) => _inner.CommitAsync(groupId, offsets, ct);

        public Task<IReadOnlyList<CommittedOffset>> FetchAsync(string groupId, CancellationToken ct) => _inner.FetchAsync(groupId, ct);

        public Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct) =>
            _inner.DeleteOffsetsAsync(groupId, partitions, ct);

        public Task DeleteGroupAsync(string groupId, CancellationToken ct) => _inner.DeleteGroupAsync(groupId, ct);

        public Task SaveGroupAsync(GroupRecord group, CancellationToken ct) => throw new IOException("table storage unreachable");

        public Task<GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct) => _inner.LoadGroupAsync(groupId, ct);

        public Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct) => _inner.ListGroupIdsAsync(ct);

        public Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct) =>
            _inner.StagePendingAsync(groupId, offsetsPartition, producerId, offsets, ct);

        public Task<IReadOnlyList<PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct) => _inner.FetchPendingAsync(groupId, ct);

        public Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct) =>
            _inner.PendingGroupsAsync(offsetsPartition, producerId, ct);

        public Task<IReadOnlyList<CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct) =>
            _inner.CompletePendingAsync(groupId, offsetsPartition, producerId, commit, ct);
    }
}
