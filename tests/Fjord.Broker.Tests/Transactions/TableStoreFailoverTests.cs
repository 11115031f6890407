using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Transactions;

/// <summary>The failover of <see cref="OwnershipAndFailoverTests"/> over Table storage (Azurite): the fencing is the real ETag check.</summary>
public sealed class TableStoreFailoverTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ASuccessorFinishesACommitAndTheOldCoordinatorsWriteLosesOnTheETag()
    {
        await using var h = new TransactionHarness();
        var store = new TableTransactionStateStore(new TableServiceClient(azurite.ConnectionString), $"t{Guid.NewGuid():N}");
        await store.InitializeAsync(h.Ct);
        var oldMarkers = new FakeMarkerWriter();
        var old = h.NewCoordinator(oldMarkers, store);
        await h.LoadAllAsync(old);
        var init = await h.InitAsync("tx", old);
        await old.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("orders", 0)], false, h.Ct);
        oldMarkers.Hold();
        Assert.Equal(ErrorCode.None, (await old.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
        await oldMarkers.Entered.Task.WaitAsync(h.Ct);
        var partition = old.PartitionFor("tx");

        var newMarkers = new FakeMarkerWriter();
        var successor = h.NewCoordinator(newMarkers, store);
        await successor.LoadPartitionAsync(partition, 2).WaitAsync(h.Ct);
        await h.SettleAsync(successor);
        oldMarkers.Release();
        await h.SettleAsync(old);

        Assert.Equal(2, Assert.Single(newMarkers.Written).CoordinatorEpoch);
        var stored = (await store.ReadAsync(partition, "tx", h.Ct))!.Metadata;
        Assert.Equal((TransactionState.CompleteCommit, 2), (stored.State, stored.CoordinatorEpoch));
        Assert.DoesNotContain(partition, old.OwnedPartitions.Keys);
        Assert.Equal(ErrorCode.NotCoordinator, (await h.InitAsync("tx", old)).Error);
        Assert.Equal(new Fjord.Transactions.InitProducerIdResult(ErrorCode.None, init.ProducerId, 1), await h.InitAsync("tx", successor));
    }
}
