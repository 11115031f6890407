using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class TableOffsetStoreTests(AzuriteFixture azurite) : OffsetStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IOffsetStore> CreateStoreAsync() => await CreateTableStoreAsync();

    [Fact]
    public async Task OffsetRowsUseTypedColumnsAndTheDocumentedKeys()
    {
        var store = await CreateTableStoreAsync();
        await store.CommitAsync("a/b", [Offset("orders", 7, 123, leaderEpoch: 5, metadata: null)], Ct);

        var table = Table(store);
        var row = (await table.GetEntityAsync<TableEntity>("a~002Fb", "o_orders_0000000007", cancellationToken: Ct)).Value;

        Assert.Equal(123L, row.GetInt64("Offset"));
        Assert.Equal(5, row.GetInt32("LeaderEpoch"));
        Assert.Equal(CommitTime, row.GetDateTimeOffset("CommitTime"));
        Assert.False(row.ContainsKey("Metadata"));
        var index = (await table.GetEntityAsync<TableEntity>("!groups", "a~002Fb", cancellationToken: Ct)).Value;
        Assert.Equal("a/b", index.GetString("GroupId"));
    }

    [Fact]
    public async Task FetchDoesNotMistakeTheGroupRowForAnOffset()
    {
        var store = await CreateTableStoreAsync();
        await store.SaveGroupAsync(Group("g"), Ct);

        Assert.Empty(await store.FetchAsync("g", Ct));

        var row = (await Table(store).GetEntityAsync<TableEntity>("g", "g", cancellationToken: Ct)).Value;
        Assert.Equal(1, row.GetInt32("GenerationId"));
        Assert.Equal("consumer", row.GetString("ProtocolType"));
        Assert.NotEmpty(row.GetBinary("Members"));
    }

    [Fact]
    public async Task AnotherStoreOverTheSameTableSeesEverything()
    {
        var store = await CreateTableStoreAsync();
        await store.CommitAsync("g", [Offset("t", 0, 1)], Ct);
        await store.SaveGroupAsync(Group("g"), Ct);

        var other = Open(store.TableName);
        await other.InitializeAsync(Ct);

        Assert.Equal([Offset("t", 0, 1)], await other.FetchAsync("g", Ct));
        AssertSameGroup(Group("g"), await other.LoadGroupAsync("g", Ct));
        Assert.Equal(["g"], await other.ListGroupIdsAsync(Ct));
    }

    [Fact]
    public void ATableNameTableStorageWouldRefuseIsRefusedUpFront()
    {
        var service = new TableServiceClient(azurite.Host.ConnectionString);

        Assert.Throws<ArgumentException>(() => new TableOffsetStore(service, "no-dashes"));
        Assert.Throws<ArgumentException>(() => new TableOffsetStore(service, "1starts"));
    }

    private async Task<TableOffsetStore> CreateTableStoreAsync()
    {
        // A table per store keeps the tests of this class independent while they share Azurite.
        var store = Open($"o{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    private TableOffsetStore Open(string tableName) => new(new TableServiceClient(azurite.Host.ConnectionString), tableName);

    private TableClient Table(TableOffsetStore store) =>
        new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
}
