using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>The locator against a real metadata cache over the in-memory store, with the controller's partition writes done by hand.</summary>
public sealed class TransactionCoordinatorLocatorTests
{
    private const int Node = 1;

    [Fact]
    public async Task TheBrokerLoadsThePartitionsItLeadsAtTheirLeaderEpochAndUnloadsThemWhenLeadershipMoves()
    {
        await using var h = new TransactionHarness();
        var store = new InMemoryMetadataStore();
        var clusterId = await store.GetOrCreateClusterIdAsync(h.Ct);
        await store.CreateTopicAsync(new TopicMetadata(TopicNames.TransactionState, Guid.NewGuid(), TransactionHarness.Partitions, 1, new Dictionary<string, string>()), h.Ct);
        var token = (await store.TryClaimControllerAsync(9, Guid.NewGuid(), TimeSpan.FromMinutes(5), h.Ct)).Token!;
        var mine = h.Coordinator.PartitionFor("tx");
        var notMine = (mine + 1) % TransactionHarness.Partitions;
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token,
        [
            (State(mine, leader: Node, leaderEpoch: 5), null),
            (State(notMine, leader: 2, leaderEpoch: 3), null),
        ], h.Ct));
        await using var cache = new MetadataCache(store, store, TimeSpan.FromHours(1), NullLogger<MetadataCache>.Instance);
        await cache.StartAsync(clusterId, h.Ct);

        using var locator = new TransactionCoordinatorLocator(cache, h.Coordinator, () => false, Node, TransactionHarness.Partitions);
        await h.EventuallyAsync(() => h.Describe("nobody-yet-" + mine, h.Coordinator).Error != ErrorCode.CoordinatorLoadInProgress);

        Assert.Equal(new Dictionary<int, int> { [mine] = 5 }, h.Coordinator.OwnedPartitions);
        Assert.Equal(Node, locator.CoordinatorOf("tx", cache.Current));
        Assert.Equal(mine, locator.PartitionFor("tx"));
        await h.EventuallyAsync(() => h.Describe("tx").Error == ErrorCode.TransactionalIdNotFound);
        Assert.Equal(ErrorCode.None, (await h.InitAsync("tx")).Error);

        // Leadership moves to node 2: the partition is given up at once.
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State(mine, leader: 2, leaderEpoch: 6), await EpochOf(store, mine))], h.Ct));
        await cache.RefreshAsync(force: true, h.Ct);

        Assert.Empty(h.Coordinator.OwnedPartitions);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.InitAsync("tx")).Error);
        Assert.Equal(2, locator.CoordinatorOf("tx", cache.Current));

        // And back, at a newer epoch: loaded again, with what was stored.
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(State(mine, leader: Node, leaderEpoch: 7), await EpochOf(store, mine))], h.Ct));
        await cache.RefreshAsync(force: true, h.Ct);
        await h.EventuallyAsync(() => h.Describe("tx").Error == ErrorCode.None);
        Assert.Equal(7, h.Coordinator.OwnedPartitions[mine]);
        Assert.Equal(0, h.Describe("tx").ProducerEpoch);
    }

    private static async Task<int?> EpochOf(InMemoryMetadataStore store, int partition) =>
        (await store.GetPartitionStateAsync(TopicNames.TransactionState, partition, CancellationToken.None))!.PartitionEpoch;

    private static PartitionState State(int partition, int leader, int leaderEpoch) =>
        new(TopicNames.TransactionState, partition, [leader], leader, leaderEpoch, [leader], 0);
}
