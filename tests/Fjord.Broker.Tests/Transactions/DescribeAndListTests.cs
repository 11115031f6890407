using Fjord.Protocol;

namespace Fjord.Broker.Tests.Transactions;

public sealed class DescribeAndListTests
{
    [Fact]
    public async Task DescribeAnswersEachIdOnItsOwn()
    {
        await using var h = await TransactionHarness.StartAsync();
        var init = await h.BeginAsync("tx", ("orders", 3));

        var described = h.Coordinator.Describe(["tx", "unknown"]);

        Assert.Equal(2, described.Count);
        var tx = described[0];
        Assert.Equal(("tx", ErrorCode.None, "Ongoing", TransactionHarness.TimeoutMs, h.NowMs, init.ProducerId, init.ProducerEpoch),
            (tx.TransactionalId, tx.Error, tx.State, tx.TransactionTimeoutMs, tx.TransactionStartTimeMs, tx.ProducerId, tx.ProducerEpoch));
        Assert.Equal([("orders", 3)], tx.Partitions);
        Assert.Equal(("unknown", ErrorCode.TransactionalIdNotFound), (described[1].TransactionalId, described[1].Error));
    }

    [Fact]
    public async Task ListFiltersByStateProducerIdAndDuration()
    {
        await using var h = await TransactionHarness.StartAsync();
        var old = await h.BeginAsync("old", ("t", 0));
        h.Time.Advance(TimeSpan.FromSeconds(30));
        var young = await h.BeginAsync("young", ("t", 1));
        var idle = await h.InitAsync("idle");

        var all = h.Coordinator.List([], [], -1);
        var ongoing = h.Coordinator.List(["Ongoing"], [], -1);
        var empty = h.Coordinator.List(["Empty", "NoSuchState"], [], -1);
        var byProducer = h.Coordinator.List([], [young.ProducerId, 999_999], -1);
        var longRunning = h.Coordinator.List(["Ongoing"], [], 10_000);
        var unknownState = h.Coordinator.List(["NoSuchState"], [], -1);

        Assert.Equal(ErrorCode.None, all.Error);
        Assert.Equal(["idle", "old", "young"], all.Transactions.Select(t => t.TransactionalId));
        Assert.Equal(["old", "young"], ongoing.Transactions.Select(t => t.TransactionalId));
        Assert.Equal([("idle", idle.ProducerId, "Empty")], empty.Transactions.Select(t => (t.TransactionalId, t.ProducerId, t.State)));
        Assert.Equal(["young"], byProducer.Transactions.Select(t => t.TransactionalId));
        Assert.Equal([("old", old.ProducerId)], longRunning.Transactions.Select(t => (t.TransactionalId, t.ProducerId)));
        Assert.Empty(unknownState.Transactions);
    }

    [Fact]
    public async Task ListShowsOnlyThePartitionsThisCoordinatorOwns()
    {
        await using var h = new TransactionHarness();
        await h.LoadAllAsync();
        await h.InitAsync("a");
        await h.InitAsync("b");
        var other = h.NewCoordinator(new FakeMarkerWriter());
        await other.LoadPartitionAsync(h.Coordinator.PartitionFor("a"), 1);

        var listed = other.List([], [], -1);

        Assert.Contains("a", listed.Transactions.Select(t => t.TransactionalId));
        Assert.Equal(h.Coordinator.PartitionFor("a") == h.Coordinator.PartitionFor("b"), listed.Transactions.Any(t => t.TransactionalId == "b"));
    }
}
