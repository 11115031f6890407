using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

/// <summary>
/// The behaviour every <see cref="IProducerIdStore"/> must have, run against the in-memory fake and
/// against Table storage on Azurite: blocks are contiguous from 0, never overlap (also between racing
/// brokers), do not move the metadata version, and refuse to wrap at the end of the id space.
/// </summary>
public abstract class ProducerIdStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty store that no other test sees.</summary>
    protected abstract Task<IProducerIdStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another broker process).</summary>
    protected abstract Task<IProducerIdStore> OpenSameStoreAsync(IProducerIdStore store);

    /// <summary>Makes the next block start at <paramref name="nextProducerId"/> (as if that many ids had been claimed).</summary>
    protected abstract Task SetNextProducerIdAsync(IProducerIdStore store, long nextProducerId);

    [Fact]
    public async Task BlocksAreContiguousFromZeroAndRecordTheClaimingBroker()
    {
        var store = await CreateStoreAsync();

        var first = await store.AllocateProducerIdBlockAsync(3, 1000, Ct);
        var second = await store.AllocateProducerIdBlockAsync(4, 1000, Ct);
        var third = await store.AllocateProducerIdBlockAsync(3, 10, Ct);

        Assert.Equal(new ProducerIdBlock(3, 0, 1000), first);
        Assert.Equal(999, first.LastProducerId);
        Assert.Equal(new ProducerIdBlock(4, 1000, 1000), second);
        Assert.Equal(new ProducerIdBlock(3, 2000, 10), third);
        Assert.Equal(2009, third.LastProducerId);
    }

    [Fact]
    public async Task AnotherInstanceOverTheSameDataContinuesAfterTheLastBlock()
    {
        var store = await CreateStoreAsync();
        await store.AllocateProducerIdBlockAsync(1, 1000, Ct);

        var other = await OpenSameStoreAsync(store);

        Assert.Equal(new ProducerIdBlock(2, 1000, 1000), await other.AllocateProducerIdBlockAsync(2, 1000, Ct));
    }

    [Fact]
    public async Task ClaimingABlockDoesNotMoveTheMetadataVersion()
    {
        var store = await CreateStoreAsync();
        var metadata = (IMetadataStore)store;
        await metadata.CreateTopicAsync(new TopicMetadata("versioned", Guid.NewGuid(), 1, 1, new Dictionary<string, string>()), Ct);
        var before = await metadata.GetVersionAsync(Ct);

        for (var i = 0; i < 3; i++)
            await store.AllocateProducerIdBlockAsync(1, 1000, Ct);

        Assert.Equal(before, await metadata.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task FourBrokersRacingForTwentyBlocksEachGetDisjointContiguousBlocks()
    {
        const int Brokers = 4;
        const int BlocksEach = 20;
        const int BlockSize = 1000;
        var first = await CreateStoreAsync();
        var stores = new List<IProducerIdStore> { first };
        for (var i = 1; i < Brokers; i++)
            stores.Add(await OpenSameStoreAsync(first));

        using var start = new Barrier(Brokers);
        var claims = await Task.WhenAll(stores.Select((store, broker) => Task.Run(async () =>
        {
            start.SignalAndWait(Ct);
            var blocks = new List<ProducerIdBlock>();
            for (var i = 0; i < BlocksEach; i++)
                blocks.Add(await store.AllocateProducerIdBlockAsync(broker, BlockSize, Ct));
            return blocks;
        }, Ct)));

        var all = claims.SelectMany(b => b).OrderBy(b => b.FirstProducerId).ToList();
        Assert.Equal(Brokers * BlocksEach, all.Count);
        // Sorted by start, each block begins right after the previous one ends: disjoint, and no gaps.
        for (var i = 0; i < all.Count; i++)
            Assert.Equal((long)i * BlockSize, all[i].FirstProducerId);
        for (var broker = 0; broker < Brokers; broker++)
            Assert.All(claims[broker], b => Assert.Equal(broker, b.AssignedBrokerId));
    }

    [Fact]
    public async Task TheEndOfTheIdSpaceIsRefusedInsteadOfWrapping()
    {
        var store = await CreateStoreAsync();
        await SetNextProducerIdAsync(store, long.MaxValue - 1500);

        Assert.Equal(long.MaxValue - 1500, (await store.AllocateProducerIdBlockAsync(1, 1000, Ct)).FirstProducerId);

        // 500 ids are left: a block of 1000 would pass long.MaxValue.
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => store.AllocateProducerIdBlockAsync(1, 1000, Ct));
        Assert.Contains("exhausted", e.Message, StringComparison.Ordinal);
        // The refusal claimed nothing: the last 500 ids are still there, and then none.
        var last = await store.AllocateProducerIdBlockAsync(1, 500, Ct);
        Assert.Equal((long.MaxValue - 500, long.MaxValue - 1), (last.FirstProducerId, last.LastProducerId));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.AllocateProducerIdBlockAsync(1, 1, Ct));
    }

    [Theory]
    [InlineData(-1, 1000)]
    [InlineData(0, 0)]
    [InlineData(0, -5)]
    public async Task ANegativeBrokerOrANonPositiveSizeIsRejected(int brokerId, int blockSize)
    {
        var store = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.AllocateProducerIdBlockAsync(brokerId, blockSize, Ct));
    }
}
