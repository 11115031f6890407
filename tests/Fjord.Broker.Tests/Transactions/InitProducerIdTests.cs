using Fjord.Cluster;
using Fjord.Protocol;
using Fjord.Transactions;

namespace Fjord.Broker.Tests.Transactions;

public sealed class InitProducerIdTests
{
    [Fact]
    public async Task ANewTransactionalIdGetsANewProducerIdAtEpochZero()
    {
        await using var h = await TransactionHarness.StartAsync();

        var first = await h.InitAsync("tx-a");
        var second = await h.InitAsync("tx-b");

        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), first);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1001, 0), second);
        var stored = await h.StoredAsync("tx-a");
        Assert.Equal((TransactionState.Empty, 1000L, (short)0, TransactionHarness.TimeoutMs), (stored.State, stored.ProducerId, stored.ProducerEpoch, stored.TransactionTimeoutMs));
        Assert.Equal(h.Coordinator.PartitionFor("tx-a"), stored.CoordinatorPartition);
    }

    [Fact]
    public async Task InitialisingAgainBumpsTheEpochAndFencesTheOldInstance()
    {
        await using var h = await TransactionHarness.StartAsync();
        var old = await h.InitAsync("tx");

        var current = await h.InitAsync("tx");

        Assert.Equal(new InitProducerIdResult(ErrorCode.None, old.ProducerId, 1), current);
        var zombie = await h.Coordinator.AddPartitionsAsync("tx", old.ProducerId, old.ProducerEpoch, [("t", 0)], false, h.Ct);
        Assert.Equal(ErrorCode.ProducerFenced, Assert.Single(zombie).Error);
        var zombieEnd = await h.Coordinator.EndTxnAsync("tx", old.ProducerId, old.ProducerEpoch, commit: true, false, h.Ct);
        Assert.Equal(ErrorCode.ProducerFenced, zombieEnd.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(900_001)]
    public async Task ATimeoutOutsideOneMsToTheMaximumIsInvalid(int timeoutMs)
    {
        await using var h = await TransactionHarness.StartAsync();

        var result = await h.Coordinator.InitProducerIdAsync("tx", timeoutMs, -1, -1, h.Ct);

        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.InvalidTransactionTimeout), result);
        Assert.Equal(ErrorCode.TransactionalIdNotFound, h.Describe("tx").Error);
    }

    [Fact]
    public async Task TheMaximumTimeoutItselfIsAccepted()
    {
        await using var h = await TransactionHarness.StartAsync();

        Assert.Equal(ErrorCode.None, (await h.Coordinator.InitProducerIdAsync("tx", 900_000, -1, -1, h.Ct)).Error);
        Assert.Equal(900_000, h.Describe("tx").TransactionTimeoutMs);
    }

    [Fact]
    public async Task AnExhaustedEpochMovesToANewProducerIdAndKeepsThePreviousOne()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        await SetEpochAsync(h, "tx", short.MaxValue - 1);

        var rotated = await h.InitAsync("tx");

        Assert.Equal(ErrorCode.None, rotated.Error);
        Assert.NotEqual(init.ProducerId, rotated.ProducerId);
        Assert.Equal(0, rotated.ProducerEpoch);
        var stored = await h.StoredAsync("tx");
        Assert.Equal(init.ProducerId, stored.PreviousProducerId);
        // No expected id was named, so there is no epoch to recognise a retry by.
        Assert.Equal(-1, stored.LastProducerEpoch);
    }

    [Fact]
    public async Task AnEpochBelowExhaustionIsStillBumped()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        await SetEpochAsync(h, "tx", short.MaxValue - 3);

        Assert.Equal(new InitProducerIdResult(ErrorCode.None, init.ProducerId, short.MaxValue - 2), await h.InitAsync("tx"));
    }

    [Fact]
    public async Task Kip360AProducerNamingItsCurrentIdAndEpochIsBumped()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        var bumped = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, init.ProducerEpoch, h.Ct);

        Assert.Equal(new InitProducerIdResult(ErrorCode.None, init.ProducerId, 1), bumped);
        Assert.Equal(0, (await h.StoredAsync("tx")).LastProducerEpoch);
    }

    [Fact]
    public async Task Kip360ARetriedBumpIsAnsweredAgainWithoutBumping()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        var bumped = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, init.ProducerEpoch, h.Ct);

        // The answer was lost; the producer asks again with what it had.
        var retried = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, init.ProducerEpoch, h.Ct);

        Assert.Equal(bumped, retried);
    }

    [Fact]
    public async Task Kip360AStaleEpochOrAnotherProducerIdIsFenced()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        await h.InitAsync("tx");
        await h.InitAsync("tx");

        var staleEpoch = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, init.ProducerEpoch, h.Ct);
        var otherId = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, 424242, 2, h.Ct);

        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.ProducerFenced), staleEpoch);
        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.ProducerFenced), otherId);
        Assert.Equal(2, (await h.StoredAsync("tx")).ProducerEpoch);
    }

    [Fact]
    public async Task Kip360ARetriedRotationOfAnExhaustedEpochGetsTheNewIdAgain()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        await SetEpochAsync(h, "tx", short.MaxValue - 1);

        var rotated = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, short.MaxValue - 1, h.Ct);
        var retried = await h.Coordinator.InitProducerIdAsync("tx", TransactionHarness.TimeoutMs, init.ProducerId, short.MaxValue - 1, h.Ct);

        Assert.Equal(ErrorCode.None, rotated.Error);
        Assert.NotEqual(init.ProducerId, rotated.ProducerId);
        Assert.Equal(rotated, retried);
    }

    [Fact]
    public async Task Kip360AProducerRecoveringAnUnknownIdGetsAFreshOne()
    {
        await using var h = await TransactionHarness.StartAsync();

        var result = await h.Coordinator.InitProducerIdAsync("never-seen", TransactionHarness.TimeoutMs, 77, 5, h.Ct);

        Assert.Equal(new InitProducerIdResult(ErrorCode.None, 1000, 0), result);
    }

    [Fact]
    public async Task AnOpenTransactionIsAbortedUnderABumpedEpochAndTheNewInstanceToldToRetry()
    {
        await using var h = await TransactionHarness.StartAsync();
        var old = await h.BeginAsync("tx", ("orders", 0), ("orders", 1));

        var first = await h.InitAsync("tx");
        await h.SettleAsync();
        var retry = await h.InitAsync("tx");

        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions), first);
        var call = Assert.Single(h.Markers.Written);
        Assert.Equal((old.ProducerId, (short)1, false), (call.ProducerId, call.ProducerEpoch, call.Commit));
        Assert.Equal([("orders", 0), ("orders", 1)], call.Partitions);
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, old.ProducerId, 2), retry);
        var zombie = await h.Coordinator.AddPartitionsAsync("tx", old.ProducerId, old.ProducerEpoch, [("orders", 2)], false, h.Ct);
        Assert.Equal(ErrorCode.ProducerFenced, zombie[0].Error);
    }

    [Fact]
    public async Task WhileAnOutcomeIsBeingWrittenInitIsToldConcurrentTransactions()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 0));
        h.Markers.Hold();
        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        await h.Markers.Entered.Task.WaitAsync(h.Ct);

        Assert.Equal(InitProducerIdResult.Failed(ErrorCode.ConcurrentTransactions), await h.InitAsync("tx"));

        h.Markers.Release();
        await h.SettleAsync();
        Assert.Equal(new InitProducerIdResult(ErrorCode.None, init.ProducerId, 1), await h.InitAsync("tx"));
    }

    [Fact]
    public async Task AnEmptyTransactionalIdIsAnInvalidRequest()
    {
        await using var h = await TransactionHarness.StartAsync();

        Assert.Equal(ErrorCode.InvalidRequest, (await h.InitAsync("")).Error);
    }

    [Fact]
    public async Task WhenNoProducerIdCanBeHadTheAnswerIsRetriable()
    {
        var h = new TransactionHarness();
        await using var _ = h;
        await using var coordinator = new TransactionCoordinator(h.Config, h.Store, h.Markers,
            _ => throw new InvalidOperationException("block exhausted"), TransactionHarness.OffsetsPartitionOf, h.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<TransactionCoordinator>.Instance);
        await h.LoadAllAsync(coordinator);

        Assert.Equal(ErrorCode.CoordinatorLoadInProgress, (await h.InitAsync("tx", coordinator)).Error);
    }

    [Fact]
    public async Task ConcurrentInitsOfOneIdAreSerialisedIntoDistinctEpochs()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.InitAsync("tx");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => h.InitAsync("tx"))));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r.Error));
        Assert.Equal(Enumerable.Range(1, 20).Select(e => (short)e), results.Select(r => r.ProducerEpoch).Order());
    }

    private static async Task SetEpochAsync(TransactionHarness h, string id, int epoch)
    {
        // Straight into the store, then a reload: as if the id had been bumped that often.
        var partition = h.Coordinator.PartitionFor(id);
        var row = (await h.Store.ReadAsync(partition, id, h.Ct))!;
        Assert.NotNull(await h.Store.WriteAsync(row.Metadata with { ProducerEpoch = (short)epoch, CoordinatorEpoch = 2 }, row.ETag, h.Ct));
        await h.Coordinator.LoadPartitionAsync(partition, 2);
    }
}
