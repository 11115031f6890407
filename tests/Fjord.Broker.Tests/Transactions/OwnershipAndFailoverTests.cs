using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Tests.Transactions;

public sealed class OwnershipAndFailoverTests
{
    [Fact]
    public async Task IdsOfPartitionsNotLoadedAreNotCoordinator()
    {
        await using var h = new TransactionHarness();
        var owned = h.Coordinator.PartitionFor("tx");
        var other = Enumerable.Range(0, 100).Select(i => $"id-{i}").First(id => h.Coordinator.PartitionFor(id) != owned);
        await h.Coordinator.LoadPartitionAsync(owned, 1);

        Assert.Equal(ErrorCode.None, (await h.InitAsync("tx")).Error);
        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.NotCoordinator), await h.InitAsync(other));
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Coordinator.AddPartitionsAsync(other, 1, 0, [("t", 0)], false, h.Ct))[0].Error);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Coordinator.EndTxnAsync(other, 1, 0, true, false, h.Ct)).Error);
        Assert.Equal(ErrorCode.NotCoordinator, h.Describe(other).Error);
    }

    [Fact]
    public async Task WhileAPartitionLoadsItsIdsAreCoordinatorLoadInProgress()
    {
        var h = new TransactionHarness();
        await using var _ = h;
        var gated = new GatedTransactionStateStore(h.Store);
        var coordinator = h.NewCoordinator(new FakeMarkerWriter(), gated);
        var partition = coordinator.PartitionFor("tx");

        var loading = coordinator.LoadPartitionAsync(partition, 1);

        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, (await h.InitAsync("tx", coordinator)).Error);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, h.Describe("tx", coordinator).Error);
        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, coordinator.List([], [], -1).Error);
        gated.Open();
        await loading.WaitAsync(h.Ct);
        Assert.Equal(ErrorCode.None, (await h.InitAsync("tx", coordinator)).Error);
    }

    [Fact]
    public async Task AnUnloadedPartitionIsNotCoordinatorAndAReloadSeesWhatWasStored()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        var partition = h.Coordinator.PartitionFor("tx");

        h.Coordinator.UnloadPartition(partition);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
        await h.Coordinator.LoadPartitionAsync(partition, 2);

        Assert.Equal(ErrorCode.None, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
        await h.SettleAsync();
        Assert.Equal(2, h.Markers.Written.Single().CoordinatorEpoch);
    }

    [Fact]
    public async Task AFencedBrokerCoordinatesNothing()
    {
        await using var h = await TransactionHarness.StartAsync();
        var fenced = false;
        h.Coordinator.UseFencing(() => fenced);
        await h.InitAsync("tx");

        fenced = true;

        Assert.Equal(ErrorCode.NotCoordinator, (await h.InitAsync("tx")).Error);
        Assert.Equal(ErrorCode.NotCoordinator, h.Coordinator.List([], [], -1).Error);
    }

    [Fact]
    public async Task ANewCoordinatorTakesOverMidPrepareCommitFinishesTheMarkersAndTheOldOneLosesItsWrite()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 0), ("orders", 1));
        h.Markers.Hold();
        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        await h.Markers.Entered.Task.WaitAsync(h.Ct);
        var partition = h.Coordinator.PartitionFor("tx");

        // Another broker becomes leader of the partition at epoch 2 while the old one is still writing markers.
        var newMarkers = new FakeMarkerWriter();
        var successor = h.NewCoordinator(newMarkers);
        await successor.LoadPartitionAsync(partition, 2).WaitAsync(h.Ct);
        await h.SettleAsync(successor);

        var resumed = Assert.Single(newMarkers.Written);
        Assert.Equal((init.ProducerId, init.ProducerEpoch, 2, true), (resumed.ProducerId, resumed.ProducerEpoch, resumed.CoordinatorEpoch, resumed.Commit));
        Assert.Equal([("orders", 0), ("orders", 1)], resumed.Partitions);
        var stored = await h.StoredAsync("tx");
        Assert.Equal((TransactionState.CompleteCommit, 2), (stored.State, stored.CoordinatorEpoch));

        // The old coordinator's markers finish now; its CompleteCommit write loses the compare-and-swap.
        h.Markers.Release();
        await h.SettleAsync();
        Assert.DoesNotContain(partition, h.Coordinator.OwnedPartitions.Keys);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
        Assert.Equal("CompleteCommit", h.Describe("tx", successor).State);
        Assert.Equal(ErrorCode.None, (await successor.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
    }

    [Fact]
    public async Task AnOldCoordinatorThatMissedATakeoverAnswersNotCoordinatorWhenItsWriteLoses()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        var partition = h.Coordinator.PartitionFor("tx");
        var successor = h.NewCoordinator(new FakeMarkerWriter());
        await successor.LoadPartitionAsync(partition, 2).WaitAsync(h.Ct);
        var bumped = await h.InitAsync("tx", successor);

        // The old coordinator has not heard that it lost the partition; its stale view is caught by the store.
        var added = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 0)], false, h.Ct);

        Assert.Equal(ErrorCode.NotCoordinator, added[0].Error);
        Assert.DoesNotContain(partition, h.Coordinator.OwnedPartitions.Keys);
        var stored = await h.StoredAsync("tx");
        Assert.Equal((TransactionState.Empty, bumped.ProducerEpoch), (stored.State, stored.ProducerEpoch));
        Assert.Equal(ErrorCode.ProducerFenced,
            (await successor.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 0)], false, h.Ct))[0].Error);
    }

    [Fact]
    public async Task ALoadResumesAPrepareAbortLeftByAFence()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        h.Markers.Hold();
        await h.InitAsync("tx");
        await h.Markers.Entered.Task.WaitAsync(h.Ct);
        var partition = h.Coordinator.PartitionFor("tx");
        h.Coordinator.UnloadPartition(partition);

        var successorMarkers = new FakeMarkerWriter();
        var successor = h.NewCoordinator(successorMarkers);
        await successor.LoadPartitionAsync(partition, 2);
        await h.SettleAsync(successor);

        var call = Assert.Single(successorMarkers.Written);
        Assert.Equal((init.ProducerId, (short)1, false), (call.ProducerId, call.ProducerEpoch, call.Commit));
        Assert.Equal("CompleteAbort", h.Describe("tx", successor).State);
        Assert.Empty(h.Markers.Written);
    }

    [Fact]
    public async Task LoadingAnOlderOrTheSameEpochAgainChangesNothing()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.InitAsync("tx");
        var partition = h.Coordinator.PartitionFor("tx");

        await h.Coordinator.LoadPartitionAsync(partition, 1);
        await h.Coordinator.LoadPartitionAsync(partition, 0);

        Assert.Equal(1, h.Coordinator.OwnedPartitions[partition]);
        Assert.Equal(ErrorCode.None, (await h.InitAsync("tx")).Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("my-transactional-id")]
    [InlineData("\u00e9t\u00e9")]
    [InlineData("polygenelubricants")]
    public void PartitionForIsKafkasHashOfTheId(string id)
    {
        Assert.Equal(Fjord.Groups.GroupCoordinator.PartitionFor(id, 50), TransactionCoordinator.PartitionFor(id, 50));
    }

    [Fact]
    public void PartitionForMatchesJavasStringHashCode()
    {
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE in Java; Kafka's abs maps it to 0.
        Assert.Equal(0, TransactionCoordinator.PartitionFor("polygenelubricants", 50));
        // "abc".hashCode() == 96354.
        Assert.Equal(96354 % 50, TransactionCoordinator.PartitionFor("abc", 50));
    }
}
