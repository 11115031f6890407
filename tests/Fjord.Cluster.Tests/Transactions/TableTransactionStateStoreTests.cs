using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class TableTransactionStateStoreTests(AzuriteFixture azurite) : TransactionStateStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<ITransactionStateStore> CreateStoreAsync()
    {
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override ITransactionStateStore OpenSameStore(ITransactionStateStore store) => Open(((TableTransactionStateStore)store).TableName);

    [Fact]
    public async Task ARowIsKeyedByCoordinatorPartitionAndEscapedIdWithTypedColumns()
    {
        var store = (TableTransactionStateStore)await CreateStoreAsync();
        await store.WriteAsync(Txn("a/b", partition: 42) with { Partitions = [new("orders", 1)] }, null, Ct);

        var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("0000000042", "a~002Fb", cancellationToken: Ct)).Value;

        Assert.Equal("a/b", row.GetString("TransactionalId"));
        Assert.Equal(1000L, row.GetInt64("ProducerId"));
        Assert.Equal(0, row.GetInt32("ProducerEpoch"));
        Assert.Equal("Empty", row.GetString("State"));
        Assert.NotEmpty(row.GetBinary("Partitions"));
    }

    [Fact]
    public async Task InitializingTwiceIsHarmless()
    {
        var store = (TableTransactionStateStore)await CreateStoreAsync();
        await store.InitializeAsync(Ct);
        await Open(store.TableName).InitializeAsync(Ct);
    }

    [Fact]
    public void TheDefaultTableIsFjordtransactions() =>
        Assert.Equal("fjordtransactions", new TableTransactionStateStore(new TableServiceClient(azurite.Host.ConnectionString)).TableName);

    private TableTransactionStateStore Open(string tableName) => new(new TableServiceClient(azurite.Host.ConnectionString), tableName);
}
