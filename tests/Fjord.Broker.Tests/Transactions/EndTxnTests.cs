using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Tests.Transactions;

public sealed class EndTxnTests
{
    [Fact]
    public async Task CommitIsAnsweredOncePrepareCommitIsStoredThenMarkersThenCompleteCommit()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 2), ("orders", 1));
        h.Markers.Hold();

        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);

        Assert.Equal(new EndTxnResult(ErrorCode.None, init.ProducerId, init.ProducerEpoch), end);
        Assert.Equal(TransactionState.PrepareCommit, (await h.StoredAsync("tx")).State);
        await h.Markers.Entered.Task.WaitAsync(h.Ct);
        Assert.Equal("PrepareCommit", h.Describe("tx").State);

        h.Markers.Release();
        await h.SettleAsync();

        var call = Assert.Single(h.Markers.Written);
        Assert.Equal((init.ProducerId, init.ProducerEpoch, 1, true), (call.ProducerId, call.ProducerEpoch, call.CoordinatorEpoch, call.Commit));
        Assert.Equal([("orders", 1), ("orders", 2)], call.Partitions);
        var stored = await h.StoredAsync("tx");
        Assert.Equal(TransactionState.CompleteCommit, stored.State);
        Assert.Empty(stored.Partitions);
        Assert.Equal("CompleteCommit", h.Describe("tx").State);
    }

    [Fact]
    public async Task AbortWritesAbortMarkersAndCompletesAbort()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 0));

        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: false, false, h.Ct);
        await h.SettleAsync();

        Assert.Equal(ErrorCode.None, end.Error);
        Assert.False(Assert.Single(h.Markers.Written).Commit);
        Assert.Equal(TransactionState.CompleteAbort, (await h.StoredAsync("tx")).State);
    }

    [Fact]
    public async Task ARetriedEndOfTheSameOutcomeIsConcurrentWhilePreparingAndNoneOnceComplete()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 0));
        h.Markers.Hold();
        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);

        var whilePreparing = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        var oppositeWhilePreparing = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: false, false, h.Ct);
        h.Markers.Release();
        await h.SettleAsync();
        var onceComplete = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        var oppositeOnceComplete = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: false, false, h.Ct);

        Assert.Equal(ErrorCode.ConcurrentTransactions, whilePreparing.Error);
        Assert.Equal(ErrorCode.InvalidTxnState, oppositeWhilePreparing.Error);
        Assert.Equal(ErrorCode.None, onceComplete.Error);
        Assert.Equal(ErrorCode.InvalidTxnState, oppositeOnceComplete.Error);
        Assert.Single(h.Markers.Written);
    }

    [Fact]
    public async Task EndingWithNoTransactionOpenIsInvalidTxnState()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        Assert.Equal(ErrorCode.InvalidTxnState, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
        Assert.Equal(ErrorCode.InvalidTxnState, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, false, false, h.Ct)).Error);
        Assert.Empty(h.Markers.Calls);
    }

    [Fact]
    public async Task EndingAnUnknownIdOrWithAStaleEpochIsRefused()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));

        Assert.Equal(ErrorCode.InvalidProducerIdMapping, (await h.Coordinator.EndTxnAsync("nobody", 1, 0, true, false, h.Ct)).Error);
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId + 1, 0, true, false, h.Ct)).Error);
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, 3, true, false, h.Ct)).Error);
        Assert.Equal("Ongoing", h.Describe("tx").State);
    }

    [Fact]
    public async Task FailedMarkerWritesAreRetriedUntilTheyAreWritten()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        h.Markers.FailNext(3);

        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        await h.EventuallyAsync(() => h.Describe("tx").State == "CompleteCommit");

        Assert.Equal(4, h.Markers.Calls.Count);
        Assert.Single(h.Markers.Written);
    }

    [Fact]
    public async Task TransactionVersion2EndBumpsTheEpochAndAnswersIt()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));

        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, bumpEpochPerTransaction: true, h.Ct);
        await h.SettleAsync();

        Assert.Equal(new EndTxnResult(ErrorCode.None, init.ProducerId, 1), end);
        // The markers carry the bumped epoch, so a late batch of the ended transaction is fenced.
        Assert.Equal(1, Assert.Single(h.Markers.Written).ProducerEpoch);
        var stored = await h.StoredAsync("tx");
        Assert.Equal((TransactionState.CompleteCommit, (short)1, (short)0), (stored.State, stored.ProducerEpoch, stored.LastProducerEpoch));
    }

    [Fact]
    public async Task TransactionVersion2RetryAtTheEpochBeforeTheBumpIsRecognised()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        h.Markers.Hold();
        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, true, h.Ct);

        var whilePreparing = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, true, h.Ct);
        h.Markers.Release();
        await h.SettleAsync();
        var onceComplete = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, true, h.Ct);

        Assert.Equal(ErrorCode.ConcurrentTransactions, whilePreparing.Error);
        Assert.Equal(end, onceComplete);
        Assert.Single(h.Markers.Written);
    }

    [Fact]
    public async Task TransactionVersion2AbortWithNothingOpenBumpsTheEpochWithoutMarkers()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: false, bumpEpochPerTransaction: true, h.Ct);
        await h.SettleAsync();

        Assert.Equal(new EndTxnResult(ErrorCode.None, init.ProducerId, 1), end);
        Assert.Empty(h.Markers.Calls);
        Assert.Equal(TransactionState.CompleteAbort, (await h.StoredAsync("tx")).State);
        Assert.Equal(ErrorCode.InvalidTxnState, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, 1, commit: true, true, h.Ct)).Error);
    }

    [Fact]
    public async Task TransactionVersion2EndAtAnExhaustedEpochMovesToTheNextProducerId()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        var partition = h.Coordinator.PartitionFor("tx");
        var row = (await h.Store.ReadAsync(partition, "tx", h.Ct))!;
        await h.Store.WriteAsync(row.Metadata with { ProducerEpoch = short.MaxValue - 2, CoordinatorEpoch = 2 }, row.ETag, h.Ct);
        await h.Coordinator.LoadPartitionAsync(partition, 2);
        await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, short.MaxValue - 2, [("t", 0)], false, h.Ct);

        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, short.MaxValue - 2, true, true, h.Ct);
        await h.SettleAsync();

        Assert.Equal(ErrorCode.None, end.Error);
        Assert.NotEqual(init.ProducerId, end.ProducerId);
        Assert.Equal(0, end.ProducerEpoch);
        Assert.Equal((init.ProducerId, (short)(short.MaxValue - 1)), (h.Markers.Written.Single().ProducerId, h.Markers.Written.Single().ProducerEpoch));
        var stored = await h.StoredAsync("tx");
        Assert.Equal((end.ProducerId, (short)0, init.ProducerId, TransactionState.CompleteCommit), (stored.ProducerId, stored.ProducerEpoch, stored.PreviousProducerId, stored.State));
        // The retry at the old id and epoch is answered with the new id.
        Assert.Equal(end, await h.Coordinator.EndTxnAsync("tx", init.ProducerId, short.MaxValue - 2, true, true, h.Ct));
    }

    [Fact]
    public async Task AfterTransactionVersion2EndTheOldEpochCannotEndTheNextTransaction()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        var end = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, true, h.Ct);
        await h.SettleAsync();
        await h.Coordinator.AddPartitionsAsync("tx", end.ProducerId, end.ProducerEpoch, [("t", 1)], false, h.Ct);

        var stale = await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, true, h.Ct);

        Assert.Equal(ErrorCode.ProducerFenced, stale.Error);
        Assert.Equal("Ongoing", h.Describe("tx").State);
    }
}
