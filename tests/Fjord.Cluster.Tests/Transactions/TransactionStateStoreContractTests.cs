using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

/// <summary>
/// The behaviour every <see cref="ITransactionStateStore"/> must have, run against the in-memory store
/// and against Table storage on Azurite: rows round-trip every field, loading is per coordinator
/// partition, inserts refuse an existing row, updates and deletes refuse a stale version, awkward ids
/// are stored faithfully, and of 20 racing read-modify-write loops none is lost.
/// </summary>
public abstract class TransactionStateStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty store that no other test sees.</summary>
    protected abstract Task<ITransactionStateStore> CreateStoreAsync();

    /// <summary>Another store instance over the same data (another broker).</summary>
    protected abstract ITransactionStateStore OpenSameStore(ITransactionStateStore store);

    protected static TransactionMetadata Txn(string id, int partition = 7, short epoch = 0, TransactionState state = TransactionState.Empty) =>
        new(id, partition, ProducerId: 1000, PreviousProducerId: -1, NextProducerId: -1, epoch, LastProducerEpoch: -1,
            TransactionTimeoutMs: 60_000, state, [], TransactionStartTimestampMs: -1, TransactionLastUpdateTimestampMs: 1_700_000_000_000, CoordinatorEpoch: 3);

    [Fact]
    public async Task AWrittenRowReadsBackWithEveryField()
    {
        var store = await CreateStoreAsync();
        var written = Txn("orders-tx") with
        {
            ProducerId = 4242,
            PreviousProducerId = 4000,
            NextProducerId = 4343,
            ProducerEpoch = short.MaxValue - 1,
            LastProducerEpoch = 12,
            TransactionTimeoutMs = 900_000,
            State = TransactionState.PrepareCommit,
            Partitions = [new("orders", 3), new("orders", 0), new("__consumer_offsets", 17), new("pay\u00e9ments", 2)],
            TransactionStartTimestampMs = 1_700_000_000_123,
            TransactionLastUpdateTimestampMs = 1_700_000_000_456,
            CoordinatorEpoch = 9,
        };

        var stored = await store.WriteAsync(written, expectedETag: null, Ct);
        var read = await store.ReadAsync(7, "orders-tx", Ct);

        Assert.NotNull(stored);
        Assert.NotNull(read);
        Assert.Equal(stored.ETag, read.ETag);
        AssertSame(written, read.Metadata);
    }

    [Fact]
    public async Task ReadingAnUnknownIdGivesNull()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync(Txn("known"), null, Ct);

        Assert.Null(await store.ReadAsync(7, "unknown", Ct));
        Assert.Null(await store.ReadAsync(8, "known", Ct));
    }

    [Fact]
    public async Task LoadingAPartitionReturnsItsRowsOnlyInIdOrder()
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync(Txn("b", partition: 1), null, Ct);
        await store.WriteAsync(Txn("a", partition: 1), null, Ct);
        await store.WriteAsync(Txn("c", partition: 2), null, Ct);
        await store.WriteAsync(Txn("d", partition: 10), null, Ct);

        var one = await store.LoadPartitionAsync(1, Ct);

        Assert.Equal(["a", "b"], one.Select(r => r.Metadata.TransactionalId));
        Assert.All(one, r => Assert.Equal(1, r.Metadata.CoordinatorPartition));
        Assert.Equal(["d"], (await store.LoadPartitionAsync(10, Ct)).Select(r => r.Metadata.TransactionalId));
        Assert.Empty(await store.LoadPartitionAsync(3, Ct));
    }

    [Fact]
    public async Task InsertingAnIdThatExistsIsAConflictAndChangesNothing()
    {
        var store = await CreateStoreAsync();
        var first = await store.WriteAsync(Txn("tx", epoch: 1), null, Ct);

        Assert.Null(await store.WriteAsync(Txn("tx", epoch: 2), null, Ct));

        var read = await store.ReadAsync(7, "tx", Ct);
        Assert.Equal(1, read!.Metadata.ProducerEpoch);
        Assert.Equal(first!.ETag, read.ETag);
    }

    [Fact]
    public async Task AnUpdateNamingTheCurrentVersionWinsAndAStaleOneLoses()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.WriteAsync(Txn("tx", epoch: 1), null, Ct);
        var v2 = await store.WriteAsync(Txn("tx", epoch: 2, state: TransactionState.Ongoing), v1!.ETag, Ct);

        Assert.NotNull(v2);
        Assert.NotEqual(v1.ETag, v2.ETag);
        Assert.Null(await store.WriteAsync(Txn("tx", epoch: 3), v1.ETag, Ct));
        var read = await store.ReadAsync(7, "tx", Ct);
        Assert.Equal((2, TransactionState.Ongoing, v2.ETag), (read!.Metadata.ProducerEpoch, read.Metadata.State, read.ETag));
    }

    [Fact]
    public async Task AnUpdateOfARowThatIsGoneIsAConflict()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.WriteAsync(Txn("tx"), null, Ct);
        Assert.True(await store.DeleteAsync(7, "tx", v1!.ETag, Ct));

        Assert.Null(await store.WriteAsync(Txn("tx", epoch: 1), v1.ETag, Ct));
        Assert.Null(await store.ReadAsync(7, "tx", Ct));
    }

    [Fact]
    public async Task DeleteNeedsTheCurrentVersion()
    {
        var store = await CreateStoreAsync();
        var v1 = await store.WriteAsync(Txn("tx"), null, Ct);
        var v2 = await store.WriteAsync(Txn("tx", epoch: 1), v1!.ETag, Ct);

        Assert.False(await store.DeleteAsync(7, "tx", v1.ETag, Ct));
        Assert.NotNull(await store.ReadAsync(7, "tx", Ct));
        Assert.True(await store.DeleteAsync(7, "tx", v2!.ETag, Ct));
        Assert.Null(await store.ReadAsync(7, "tx", Ct));
        Assert.False(await store.DeleteAsync(7, "tx", v2.ETag, Ct));
        // Gone: it can be inserted afresh.
        Assert.NotNull(await store.WriteAsync(Txn("tx"), null, Ct));
    }

    [Theory]
    [InlineData("a/b\\c#d?e")]
    [InlineData("tab\there\u0001\u007f")]
    [InlineData("~0041 looks escaped")]
    [InlineData("\u00e9t\u00e9 \u6f22\u5b57 \ud83d\ude00")]
    public async Task IdsWithCharactersTableKeysForbidAreStoredFaithfully(string id)
    {
        var store = await CreateStoreAsync();
        await store.WriteAsync(Txn(id), null, Ct);
        await store.WriteAsync(Txn("A"), null, Ct);

        Assert.Equal(id, (await store.ReadAsync(7, id, Ct))!.Metadata.TransactionalId);
        Assert.Contains(id, (await store.LoadPartitionAsync(7, Ct)).Select(r => r.Metadata.TransactionalId));
        Assert.Null(await store.ReadAsync(7, "A" + id, Ct));
    }

    [Fact]
    public async Task AVeryLongIdIsStoredFaithfully()
    {
        var store = await CreateStoreAsync();
        var id = new string('/', 2000);
        var other = new string('/', 1999) + "#";
        await store.WriteAsync(Txn(id, epoch: 1), null, Ct);
        await store.WriteAsync(Txn(other, epoch: 2), null, Ct);

        Assert.Equal(1, (await store.ReadAsync(7, id, Ct))!.Metadata.ProducerEpoch);
        Assert.Equal(2, (await store.ReadAsync(7, other, Ct))!.Metadata.ProducerEpoch);
    }

    [Fact]
    public async Task TwentyRacingWritersEndAtEpochTwenty()
    {
        const int Writers = 20;
        var first = await CreateStoreAsync();
        await first.WriteAsync(Txn("raced"), null, Ct);
        var stores = Enumerable.Range(0, Writers).Select(i => i == 0 ? first : OpenSameStore(first)).ToList();

        using var start = new Barrier(Writers);
        await Task.WhenAll(stores.Select(store => Task.Run(async () =>
        {
            start.SignalAndWait(Ct);
            while (true)
            {
                var current = (await store.ReadAsync(7, "raced", Ct))!;
                var next = current.Metadata with { ProducerEpoch = (short)(current.Metadata.ProducerEpoch + 1) };
                if (await store.WriteAsync(next, current.ETag, Ct) is not null)
                    return;
            }
        }, Ct)));

        Assert.Equal(Writers, (await first.ReadAsync(7, "raced", Ct))!.Metadata.ProducerEpoch);
    }

    [Fact]
    public async Task ChangingTheCallersPartitionListAfterTheWriteChangesNothingStored()
    {
        var store = await CreateStoreAsync();
        var partitions = new List<TransactionPartition> { new("t", 0) };
        await store.WriteAsync(Txn("tx") with { Partitions = partitions }, null, Ct);

        partitions.Add(new TransactionPartition("t", 1));

        Assert.Single((await store.ReadAsync(7, "tx", Ct))!.Metadata.Partitions);
    }

    [Fact]
    public async Task BadArgumentsAreRejected()
    {
        var store = await CreateStoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.WriteAsync(Txn(""), null, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.WriteAsync(Txn("x", partition: -1), null, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.LoadPartitionAsync(-1, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.ReadAsync(0, null!, Ct));
    }

    private static void AssertSame(TransactionMetadata expected, TransactionMetadata actual)
    {
        Assert.Equal(expected.Partitions.Order(TransactionPartition.Order), actual.Partitions.Order(TransactionPartition.Order));
        Assert.Equal(expected with { Partitions = [] }, actual with { Partitions = [] });
    }
}
