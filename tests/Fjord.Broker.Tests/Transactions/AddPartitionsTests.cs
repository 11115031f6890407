using Fjord.Cluster;
using Fjord.Protocol;

namespace Fjord.Broker.Tests.Transactions;

public sealed class AddPartitionsTests
{
    [Fact]
    public async Task TheFirstAddOpensTheTransactionAtTheCurrentTime()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var added = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("orders", 1), ("orders", 0)], false, h.Ct);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("pay", 3), ("orders", 1)], false, h.Ct);

        Assert.Equal([("orders", 1, ErrorCode.None), ("orders", 0, ErrorCode.None)], added.Select(r => (r.Topic, r.Partition, r.Error)));
        var described = h.Describe("tx");
        Assert.Equal("Ongoing", described.State);
        Assert.Equal(h.NowMs - 5000, described.TransactionStartTimeMs);
        Assert.Equal([("orders", 0), ("orders", 1), ("pay", 3)], described.Partitions);
        Assert.Equal(TransactionState.Ongoing, (await h.StoredAsync("tx")).State);
    }

    [Fact]
    public async Task AnUnknownIdOrAnotherProducerIdIsInvalidProducerIdMapping()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        var unknown = await h.Coordinator.AddPartitionsAsync("nobody", 1000, 0, [("t", 0), ("t", 1)], false, h.Ct);
        var otherId = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId + 1, init.ProducerEpoch, [("t", 0)], false, h.Ct);

        Assert.All(unknown, r => Assert.Equal(ErrorCode.InvalidProducerIdMapping, r.Error));
        Assert.Equal(2, unknown.Count);
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, otherId[0].Error);
    }

    [Fact]
    public async Task AnOldEpochIsProducerFencedAndANewerOneToo()
    {
        await using var h = await TransactionHarness.StartAsync();
        await h.InitAsync("tx");
        var current = await h.InitAsync("tx");

        var older = await h.Coordinator.AddPartitionsAsync("tx", current.ProducerId, 0, [("t", 0)], false, h.Ct);
        var newer = await h.Coordinator.AddPartitionsAsync("tx", current.ProducerId, 5, [("t", 0)], false, h.Ct);

        Assert.Equal(ErrorCode.ProducerFenced, older[0].Error);
        Assert.Equal(ErrorCode.ProducerFenced, newer[0].Error);
        Assert.Equal("Empty", h.Describe("tx").State);
    }

    [Fact]
    public async Task AddingWhileAnOutcomeIsBeingWrittenIsConcurrentTransactions()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        h.Markers.Hold();
        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: false, false, h.Ct);

        var added = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 1)], false, h.Ct);

        Assert.Equal(ErrorCode.ConcurrentTransactions, added[0].Error);
    }

    [Fact]
    public async Task AfterACompletedTransactionTheNextAddStartsAFreshOne()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        await h.Coordinator.EndTxnAsync("tx", init.ProducerId, init.ProducerEpoch, commit: true, false, h.Ct);
        await h.SettleAsync();
        h.Time.Advance(TimeSpan.FromSeconds(1));

        await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 9)], false, h.Ct);

        var described = h.Describe("tx");
        Assert.Equal(("Ongoing", h.NowMs), (described.State, described.TransactionStartTimeMs));
        Assert.Equal([("t", 9)], described.Partitions);
    }

    [Fact]
    public async Task AddingPartitionsAlreadyInTheTransactionWritesNothing()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0), ("t", 1));
        var before = await h.Store.ReadAsync(h.Coordinator.PartitionFor("tx"), "tx", h.Ct);

        var added = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 1)], false, h.Ct);

        Assert.Equal(ErrorCode.None, added[0].Error);
        Assert.Equal(before!.ETag, (await h.Store.ReadAsync(h.Coordinator.PartitionFor("tx"), "tx", h.Ct))!.ETag);
    }

    [Fact]
    public async Task VerificationAnswersPerPartitionAndWritesNothing()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("t", 0));
        var before = await h.Store.ReadAsync(h.Coordinator.PartitionFor("tx"), "tx", h.Ct);

        var verified = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 0), ("t", 1)], verifyOnly: true, h.Ct);

        Assert.Equal([ErrorCode.None, ErrorCode.TransactionAbortable], verified.Select(r => r.Error));
        Assert.Equal(before!.ETag, (await h.Store.ReadAsync(h.Coordinator.PartitionFor("tx"), "tx", h.Ct))!.ETag);
        Assert.Equal([("t", 0)], h.Describe("tx").Partitions);
    }

    [Fact]
    public async Task VerificationWithNoTransactionOpenIsAbortableAndWithAStaleEpochFenced()
    {
        await using var h = await TransactionHarness.StartAsync();
        var old = await h.InitAsync("tx");
        var init = await h.InitAsync("tx");

        var idle = await h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", 0)], verifyOnly: true, h.Ct);
        var stale = await h.Coordinator.AddPartitionsAsync("tx", old.ProducerId, old.ProducerEpoch, [("t", 0)], verifyOnly: true, h.Ct);
        var unknown = await h.Coordinator.AddPartitionsAsync("nobody", 1, 0, [("t", 0)], verifyOnly: true, h.Ct);

        Assert.Equal(ErrorCode.TransactionAbortable, idle[0].Error);
        Assert.Equal(ErrorCode.ProducerFenced, stale[0].Error);
        Assert.Equal(ErrorCode.InvalidProducerIdMapping, unknown[0].Error);
        Assert.Equal("Empty", h.Describe("tx").State);
    }

    [Fact]
    public async Task AddOffsetsAddsTheGroupsOffsetsPartition()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        var error = await h.Coordinator.AddOffsetsAsync("tx", init.ProducerId, init.ProducerEpoch, "my-group", h.Ct);

        Assert.Equal(ErrorCode.None, error);
        Assert.Equal([("__consumer_offsets", TransactionHarness.OffsetsPartitionOf("my-group"))], h.Describe("tx").Partitions);
        Assert.Equal(ErrorCode.ProducerFenced, await h.Coordinator.AddOffsetsAsync("tx", init.ProducerId, 7, "my-group", h.Ct));
    }

    [Fact]
    public async Task ConcurrentAddsToOneTransactionAreAllKept()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.InitAsync("tx");

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(p => Task.Run(() =>
            h.Coordinator.AddPartitionsAsync("tx", init.ProducerId, init.ProducerEpoch, [("t", p)], false, h.Ct))));

        Assert.All(results, r => Assert.Equal(ErrorCode.None, r[0].Error));
        Assert.Equal(Enumerable.Range(0, 32), (await h.StoredAsync("tx")).Partitions.Select(p => p.Partition));
    }
}
