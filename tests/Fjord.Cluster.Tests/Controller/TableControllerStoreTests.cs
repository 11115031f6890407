using Azure.Data.Tables;
using Fjord.Cluster;

namespace Fjord.Cluster.Tests;

public sealed class TableControllerStoreTests(AzuriteFixture azurite) : ControllerStoreContractTests, IClassFixture<AzuriteFixture>
{
    // Small pages make the listings of hundreds of partition rows span several query pages.
    private const int SmallPageSize = 50;

    protected override async Task<IControllerStore> CreateStoreAsync()
    {
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task<IControllerStore> OpenSameStoreAsync(IControllerStore store) =>
        Task.FromResult<IControllerStore>(Open(((TableMetadataStore)store).TableName));

    private TableMetadataStore Open(string tableName) =>
        new(new TableServiceClient(azurite.Host.ConnectionString), tableName, Clock) { PageSize = SmallPageSize };

    [Fact]
    public async Task PartitionStateRowsUseTypedColumnsInTheClusterPartition()
    {
        var store = (TableMetadataStore)await CreateStoreAsync();
        await store.CreateTopicAsync(new TopicMetadata("typed", Guid.NewGuid(), 1, 3, new Dictionary<string, string>()), Ct);
        var token = (await store.TryClaimControllerAsync(4, Guid.NewGuid(), LeaseDuration, Ct)).Token!;
        await store.WritePartitionStatesAsync(token, [(new PartitionState("typed", 0, [4, 5, 6], 4, 2, [4, 5], 3), null)], Ct);

        var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("cluster", "p_typed:0000000000", cancellationToken: Ct)).Value;
        var lease = (await table.GetEntityAsync<TableEntity>("cluster", "!controller", cancellationToken: Ct)).Value;

        Assert.Equal(4, row.GetInt32("Leader"));
        Assert.Equal(2, row.GetInt32("LeaderEpoch"));
        Assert.Equal(3, row.GetInt32("PartitionEpoch"));
        Assert.Equal("4,5,6", row.GetString("Replicas"));
        Assert.Equal("4,5", row.GetString("Isr"));
        Assert.Equal(1L, lease.GetInt64("Epoch"));
        Assert.Equal(4, lease.GetInt32("NodeId"));
    }
}
