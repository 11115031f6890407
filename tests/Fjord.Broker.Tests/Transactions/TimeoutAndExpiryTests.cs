using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Transactions;

public sealed class TimeoutAndExpiryTests
{
    [Fact]
    public async Task ATransactionOpenLongerThanItsTimeoutIsAbortedUnderABumpedEpoch()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 0));

        Assert.Equal(0, await h.Coordinator.AbortExpiredTransactionsAsync(h.Time.GetUtcNow().AddMilliseconds(TransactionHarness.TimeoutMs), h.Ct));
        var aborted = await h.Coordinator.AbortExpiredTransactionsAsync(h.Time.GetUtcNow().AddMilliseconds(TransactionHarness.TimeoutMs + 1), h.Ct);
        await h.SettleAsync();

        Assert.Equal(1, aborted);
        var call = Assert.Single(h.Markers.Written);
        Assert.Equal((init.ProducerId, (short)1, false), (call.ProducerId, call.ProducerEpoch, call.Commit));
        var stored = await h.StoredAsync("tx");
        Assert.Equal((TransactionState.CompleteAbort, (short)1), (stored.State, stored.ProducerEpoch));
        // The producer that let it time out is fenced from now on.
        var late = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("orders", 0)], false, h.Ct);
        Assert.Equal(ErrorCode.ProducerFenced, late[0].Error);
        Assert.Equal(ErrorCode.ProducerFenced, (await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, true, false, h.Ct)).Error);
    }

    [Fact]
    public async Task OnlyOpenTransactionsTimeOut()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.InitAsync("idle");
        var ending = await h.BeginAsync("ending", ("t", 0));
        h.Markers.Hold();
        await h.Coordinator.EndTxnAsync("ending", ending.ProducerId, ending.ProducerEpoch, true, false, h.Ct);

        var aborted = await h.Coordinator.AbortExpiredTransactionsAsync(h.Time.GetUtcNow().AddDays(1), h.Ct);

        Assert.Equal(0, aborted);
        Assert.Equal("Empty", h.Describe("idle").State);
        Assert.Equal("PrepareCommit", h.Describe("ending").State);
    }

    [Fact]
    public async Task TheBackgroundJobAbortsTimedOutTransactionsEveryInterval()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.BeginAsync("tx", ("t", 0));
        h.Coordinator.Start();

        h.Time.Advance(TimeSpan.FromMilliseconds(TransactionHarness.TimeoutMs - 1));
        await h.SettleAsync();
        Assert.Equal("Ongoing", h.Describe("tx").State);
        await h.EventuallyAsync(() => h.Describe("tx").State == "CompleteAbort", TimeSpan.FromSeconds(1));

        Assert.Equal(1, h.Describe("tx").ProducerEpoch);
    }

    [Fact]
    public async Task AnIdleIdExpiresAndComesBackWithANewProducerId()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        var expiration = h.Config.TransactionalIdExpirationMs;

        Assert.Equal(0, await h.Coordinator.RemoveExpiredTransactionalIdsAsync(h.Time.GetUtcNow().AddMilliseconds(expiration - 1), h.Ct));
        Assert.Equal(1, await h.Coordinator.RemoveExpiredTransactionalIdsAsync(h.Time.GetUtcNow().AddMilliseconds(expiration), h.Ct));

        Assert.Null(await h.Store.ReadAsync(h.Coordinator.PartitionFor("tx"), "tx", h.Ct));
        Assert.Equal(ErrorCode.TransactionalIdNotFound, h.Describe("tx").Error);
        var again = await h.InitAsync("tx");
        Assert.NotEqual(init.ProducerId, again.ProducerId);
        Assert.Equal(0, again.ProducerEpoch);
    }

    [Fact]
    public async Task AnIdWithATransactionOpenDoesNotExpire()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.BeginAsync("tx", ("t", 0));

        Assert.Equal(0, await h.Coordinator.RemoveExpiredTransactionalIdsAsync(h.Time.GetUtcNow().AddYears(1), h.Ct));
        Assert.Equal("Ongoing", h.Describe("tx").State);
    }
}
