using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

namespace Fjord.Cluster.Tests;

public sealed class TableMetadataStoreTests(AzuriteFixture azurite) : MetadataStoreContractTests, IClassFixture<AzuriteFixture>
{
    // Small pages make every listing of more than 50 rows span several query pages, which is
    // where a read that is not fenced by the version row would tear.
    private const int SmallPageSize = 50;

    protected override async Task<IMetadataStore> CreateStoreAsync()
    {
        // A table per store keeps the tests of this class independent while they share Azurite.
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task<IMetadataStore> OpenSameStoreAsync(IMetadataStore store) =>
        Task.FromResult<IMetadataStore>(Open(((TableMetadataStore)store).TableName));

    private TableMetadataStore Open(string tableName) =>
        new(new TableServiceClient(azurite.Host.ConnectionString), tableName) { PageSize = SmallPageSize };

    [Fact]
    public async Task InitializeIsIdempotentAndKeepsExistingData()
    {
        var store = (TableMetadataStore)await CreateStoreAsync();
        await store.CreateTopicAsync(Topic("kept"), Ct);

        var again = Open(store.TableName);
        await again.InitializeAsync(Ct);

        Assert.NotNull(await again.GetTopicAsync("kept", Ct));
    }

    [Fact]
    public async Task AMissingTableReadsAsNoClusterAndIsNotCreatedByReading()
    {
        var name = $"t{Guid.NewGuid():N}";
        var store = Open(name);

        Assert.Null(await store.GetClusterIdAsync(Ct));
        Assert.Equal(0, await store.GetVersionAsync(Ct));
        await foreach (var _ in new TableServiceClient(azurite.Host.ConnectionString).QueryAsync(t => t.Name == name, cancellationToken: Ct))
            Assert.Fail("reading the cluster id created the table");

        // Forming a cluster creates the table and the id together.
        var id = await store.GetOrCreateClusterIdAsync(Ct);
        Assert.Equal(id, await Open(name).GetClusterIdAsync(Ct));
    }

    [Fact]
    public async Task TopicRowsUseTypedColumns()
    {
        var store = (TableMetadataStore)await CreateStoreAsync();
        var topic = Topic("typed", partitions: 12, replicationFactor: 3);
        await store.CreateTopicAsync(topic, Ct);

        var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("cluster", "t_typed", cancellationToken: Ct)).Value;

        Assert.Equal(topic.TopicId, row.GetGuid("TopicId"));
        Assert.Equal(12, row.GetInt32("PartitionCount"));
        Assert.Equal(3, row.GetInt32("ReplicationFactor"));
        var version = (await table.GetEntityAsync<TableEntity>("cluster", "!version", cancellationToken: Ct)).Value;
        Assert.Equal(1L, version.GetInt64("Version"));
    }
}
