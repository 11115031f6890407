using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

/// <summary>Transactional (pending) offsets: the part of <see cref="IOffsetStore"/> that TxnOffsetCommit and the markers use.</summary>
public abstract partial class OffsetStoreContractTests
{
    [Fact]
    public async Task StagedOffsetsAreInvisibleUntilCommittedThenReplaceTheCommittedOnes()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [Offset("orders", 0, 5)], Ct);

        await store.StagePendingAsync("g", 7, 1000, [Offset("orders", 0, 10), Offset("orders", 1, 20)], Ct);

        Assert.Equal([Offset("orders", 0, 5)], await store.FetchAsync("g", Ct));
        var pending = await store.FetchPendingAsync("g", Ct);
        Assert.Equal(2, pending.Count);
        Assert.All(pending, p => Assert.Equal(1000, p.ProducerId));
        Assert.Equal(["g"], await store.PendingGroupsAsync(7, 1000, Ct));
        Assert.Empty(await store.PendingGroupsAsync(6, 1000, Ct));
        Assert.Empty(await store.PendingGroupsAsync(7, 1001, Ct));

        var committed = await store.CompletePendingAsync("g", 7, 1000, commit: true, Ct);

        Assert.Equal([Offset("orders", 0, 10), Offset("orders", 1, 20)], committed);
        Assert.Equal([Offset("orders", 0, 10), Offset("orders", 1, 20)], await store.FetchAsync("g", Ct));
        Assert.Empty(await store.FetchPendingAsync("g", Ct));
        Assert.Empty(await store.PendingGroupsAsync(7, 1000, Ct));
        Assert.Contains("g", await store.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public async Task AnAbortDropsOnlyThatProducersOffsets()
    {
        var store = await CreateStoreAsync();
        await store.CommitAsync("g", [Offset("orders", 0, 5)], Ct);
        await store.StagePendingAsync("g", 3, 1, [Offset("orders", 0, 10)], Ct);
        await store.StagePendingAsync("g", 3, 2, [Offset("orders", 1, 30)], Ct);

        Assert.Empty(await store.CompletePendingAsync("g", 3, 1, commit: false, Ct));

        Assert.Equal([Offset("orders", 0, 5)], await store.FetchAsync("g", Ct));
        var left = Assert.Single(await store.FetchPendingAsync("g", Ct));
        Assert.Equal(new PendingOffset(2, Offset("orders", 1, 30)), left);
        Assert.Equal(["g"], await store.PendingGroupsAsync(3, 2, Ct));
    }

    [Fact]
    public async Task ALaterStageReplacesTheSamePartitionAndCompletionIsIdempotent()
    {
        var store = await CreateStoreAsync();
        await store.StagePendingAsync("g", 0, 9, [Offset("t", 0, 1)], Ct);
        await store.StagePendingAsync("g", 0, 9, [Offset("t", 0, 2)], Ct);

        Assert.Equal([Offset("t", 0, 2)], await store.CompletePendingAsync("g", 0, 9, commit: true, Ct));
        Assert.Empty(await store.CompletePendingAsync("g", 0, 9, commit: true, Ct));
        Assert.Equal([Offset("t", 0, 2)], await store.FetchAsync("g", Ct));
    }

    [Fact]
    public async Task ManyPartitionsCommitAcrossSeveralStoreTransactions()
    {
        var store = await CreateStoreAsync();
        CommittedOffset[] offsets = [.. Enumerable.Range(0, 130).Select(p => Offset("wide", p, p * 10L))];
        await store.StagePendingAsync("g", 1, 5, offsets, Ct);

        var committed = await store.CompletePendingAsync("g", 1, 5, commit: true, Ct);

        Assert.Equal(130, committed.Count);
        Assert.Equal(offsets, await store.FetchAsync("g", Ct));
        Assert.Empty(await store.FetchPendingAsync("g", Ct));
    }

    [Fact]
    public async Task SeveralGroupsOfOneProducerAreFoundByTheirOffsetsPartition()
    {
        var store = await CreateStoreAsync();
        await store.StagePendingAsync("b", 4, 77, [Offset("t", 0, 1)], Ct);
        await store.StagePendingAsync("a", 4, 77, [Offset("t", 0, 2)], Ct);
        await store.StagePendingAsync("c", 5, 77, [Offset("t", 0, 3)], Ct);

        Assert.Equal(["a", "b"], await store.PendingGroupsAsync(4, 77, Ct));
        Assert.Equal(["c"], await store.PendingGroupsAsync(5, 77, Ct));
    }
}
