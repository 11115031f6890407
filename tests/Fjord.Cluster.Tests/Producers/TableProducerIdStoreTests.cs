using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class TableProducerIdStoreTests(AzuriteFixture azurite) : ProducerIdStoreContractTests, IClassFixture<AzuriteFixture>
{
    protected override async Task<IProducerIdStore> CreateStoreAsync()
    {
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task<IProducerIdStore> OpenSameStoreAsync(IProducerIdStore store) =>
        Task.FromResult<IProducerIdStore>(Open(((TableMetadataStore)store).TableName));

    protected override async Task SetNextProducerIdAsync(IProducerIdStore store, long nextProducerId)
    {
        var table = Table((TableMetadataStore)store);
        await table.UpsertEntityAsync(
            new TableEntity("cluster", "!produceridblock") { ["NodeId"] = 0, ["FirstProducerId"] = nextProducerId - 1, ["LastProducerId"] = nextProducerId - 1 },
            TableUpdateMode.Replace, Ct);
    }

    [Fact]
    public async Task TheBlockRowIsOneTypedRowInTheClusterPartition()
    {
        var store = (TableMetadataStore)await CreateStoreAsync();
        await store.AllocateProducerIdBlockAsync(5, 1000, Ct);
        await store.AllocateProducerIdBlockAsync(6, 1000, Ct);

        var row = (await Table(store).GetEntityAsync<TableEntity>("cluster", "!produceridblock", cancellationToken: Ct)).Value;

        Assert.Equal(6, row.GetInt32("NodeId"));
        Assert.Equal(1000L, row.GetInt64("FirstProducerId"));
        Assert.Equal(1999L, row.GetInt64("LastProducerId"));
    }

    private TableMetadataStore Open(string tableName) => new(new TableServiceClient(azurite.Host.ConnectionString), tableName);

    private TableClient Table(TableMetadataStore store) =>
        new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
}
