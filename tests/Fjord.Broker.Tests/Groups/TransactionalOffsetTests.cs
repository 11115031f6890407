using Fjord.Cluster;
using Fjord.Groups;
using Fjord.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Groups;

/// <summary>TxnOffsetCommit and the markers that complete it, at the group coordinator.</summary>
public sealed class TransactionalOffsetTests
{
    private const string Group = "txn-offsets";
    private const int OffsetsPartition = 3;
    private const long ProducerId = 4000;

    private static readonly Func<CancellationToken, ValueTask<ErrorCode>> Verified = _ => ValueTask.FromResult(ErrorCode.None);

    private static OffsetCommitEntry Entry(long offset, int partition = 0) => new("orders", partition, offset, LeaderEpoch: 1, "m");

    private static Task<OffsetCommitResult> StageAsync(GroupHarness h, long offset, long producerId = ProducerId, int generation = -1, string memberId = "", Func<CancellationToken, ValueTask<ErrorCode>>? verify = null) =>
        h.Coordinator.CommitTransactionalOffsetsAsync(Group, OffsetsPartition, producerId, generation, memberId, null, [Entry(offset)], verify ?? Verified, default);

    [Fact]
    public async Task StagedOffsetsBecomeVisibleOnlyWhenTheCommitMarkerArrives()
    {
        await using var h = new GroupHarness();
        await h.Coordinator.CommitOffsetsAsync(Group, -1, "", null, [Entry(5)], default);

        var staged = await StageAsync(h, 10);

        Assert.Equal(ErrorCode.None, staged.Partitions.Single().Error);
        Assert.Equal(5, (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], default)).Partitions.Single().Offset);
        var stable = (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], requireStable: true, default)).Partitions.Single();
        Assert.Equal(ErrorCode.UnstableOffsetCommit, stable.Error);
        Assert.Equal(-1, stable.Offset);

        Assert.Equal(ErrorCode.None, await h.Coordinator.CompleteTransactionAsync(OffsetsPartition, ProducerId, commit: true, default));

        var after = (await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], requireStable: true, default)).Partitions.Single();
        Assert.Equal((ErrorCode.None, 10L), (after.Error, after.Offset));
        Assert.Equal(10, (await h.Store.FetchAsync(Group, default)).Single().Offset);
    }

    [Fact]
    public async Task AnAbortMarkerDropsTheStagedOffsetsAndAnotherProducersStay()
    {
        await using var h = new GroupHarness();
        await StageAsync(h, 10);
        await h.Coordinator.CommitTransactionalOffsetsAsync(Group, OffsetsPartition, ProducerId + 1, -1, "", null, [Entry(20, partition: 1)], Verified, default);

        Assert.Equal(ErrorCode.None, await h.Coordinator.CompleteTransactionAsync(OffsetsPartition, ProducerId, commit: false, default));

        var fetched = await h.Coordinator.FetchOffsetsAsync(Group, [("orders", 0), ("orders", 1)], requireStable: true, default);
        Assert.Equal((ErrorCode.None, -1L), (fetched.Partitions[0].Error, fetched.Partitions[0].Offset));
        Assert.Equal(ErrorCode.UnstableOffsetCommit, fetched.Partitions[1].Error);
        Assert.Equal(ProducerId + 1, Assert.Single(await h.Store.FetchPendingAsync(Group, default)).ProducerId);
    }

    [Fact]
    public async Task ANewCoordinatorCompletesOffsetsStagedAtTheOldOne()
    {
        var store = new InMemoryOffsetStore();
        await using (var old = new GroupHarness(store: store))
        {
            await StageAsync(old, 10);
        }

        await using var successor = new GroupHarness(store: store);
        // The group is not loaded here; the marker finds it through the store.
        Assert.Equal(ErrorCode.None, await successor.Coordinator.CompleteTransactionAsync(OffsetsPartition, ProducerId, commit: true, default));

        Assert.Equal(10, (await successor.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], requireStable: true, default)).Partitions.Single().Offset);
    }

    [Fact]
    public async Task AReloadedGroupStillKnowsItsPendingOffsets()
    {
        var store = new InMemoryOffsetStore();
        await using (var old = new GroupHarness(store: store))
        {
            await StageAsync(old, 10);
        }

        await using var successor = new GroupHarness(store: store);
        var fetched = (await successor.Coordinator.FetchOffsetsAsync(Group, [("orders", 0)], requireStable: true, default)).Partitions.Single();

        Assert.Equal(ErrorCode.UnstableOffsetCommit, fetched.Error);
    }

    [Fact]
    public async Task AFailedVerificationStagesNothing()
    {
        await using var h = new GroupHarness();

        var fenced = await StageAsync(h, 10, verify: _ => ValueTask.FromResult(ErrorCode.ProducerFenced));

        Assert.Equal(ErrorCode.ProducerFenced, fenced.Partitions.Single().Error);
        Assert.Empty(await h.Store.FetchPendingAsync(Group, default));
    }

    [Fact]
    public async Task MemberAndGenerationAreCheckedAsKip447Says()
    {
        await using var h = new GroupHarness();
        var m = (await h.FormGroup(Group, GroupHarness.JoinCommand(Group)))[0];

        var unknown = await StageAsync(h, 1, generation: m.GenerationId, memberId: "nobody");
        var stale = await StageAsync(h, 1, generation: m.GenerationId - 1, memberId: m.MemberId);
        var current = await StageAsync(h, 1, generation: m.GenerationId, memberId: m.MemberId);

        Assert.Equal(ErrorCode.UnknownMemberId, unknown.Partitions.Single().Error);
        Assert.Equal(ErrorCode.IllegalGeneration, stale.Partitions.Single().Error);
        Assert.Equal(ErrorCode.None, current.Partitions.Single().Error);
    }

    [Fact]
    public async Task AStoreFailureOnStagingIsRetriableAndCachesNothing()
    {
        var store = new StageRefusingStore();
        await using var coordinator = new GroupCoordinator(new GroupCoordinatorConfig(), store, TimeProvider.System, NullLogger<GroupCoordinator>.Instance);

        var result = await coordinator.CommitTransactionalOffsetsAsync(Group, OffsetsPartition, ProducerId, -1, "", null, [Entry(1)], Verified, default);

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, result.Partitions.Single().Error);
        Assert.Equal(ErrorCode.None, (await coordinator.FetchOffsetsAsync(Group, [("orders", 0)], requireStable: true, default)).Partitions.Single().Error);
    }

    private sealed class StageRefusingStore : IOffsetStore
    {
        private readonly InMemoryOffsetStore _inner = new();

        public Task CommitAsync(string groupId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct) => _inner.CommitAsync(groupId, offsets, ct);

        public Task<IReadOnlyList<CommittedOffset>> FetchAsync(string groupId, CancellationToken ct) => _inner.FetchAsync(groupId, ct);

        public Task DeleteOffsetsAsync(string groupId, IReadOnlyList<(string Topic, int Partition)> partitions, CancellationToken ct) =>
            _inner.DeleteOffsetsAsync(groupId, partitions, ct);

        public Task DeleteGroupAsync(string groupId, CancellationToken ct) => _inner.DeleteGroupAsync(groupId, ct);

        public Task SaveGroupAsync(GroupRecord group, CancellationToken ct) => _inner.SaveGroupAsync(group, ct);

        public Task<GroupRecord?> LoadGroupAsync(string groupId, CancellationToken ct) => _inner.LoadGroupAsync(groupId, ct);

        public Task<IReadOnlyList<string>> ListGroupIdsAsync(CancellationToken ct) => _inner.ListGroupIdsAsync(ct);

        public Task StagePendingAsync(string groupId, int offsetsPartition, long producerId, IReadOnlyList<CommittedOffset> offsets, CancellationToken ct) =>
            throw new IOException("table storage unreachable");

        public Task<IReadOnlyList<PendingOffset>> FetchPendingAsync(string groupId, CancellationToken ct) => _inner.FetchPendingAsync(groupId, ct);

        public Task<IReadOnlyList<string>> PendingGroupsAsync(int offsetsPartition, long producerId, CancellationToken ct) =>
            _inner.PendingGroupsAsync(offsetsPartition, producerId, ct);

        public Task<IReadOnlyList<CommittedOffset>> CompletePendingAsync(string groupId, int offsetsPartition, long producerId, bool commit, CancellationToken ct) =>
            _inner.CompletePendingAsync(groupId, offsetsPartition, producerId, commit, ct);
    }
}
