using Azure.Data.Tables;
using Fjord.Cluster;
using Fjord.Testing;

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

    private (TableMetadataStore Store, RequestCountingPolicy Requests) OpenCounted(string tableName)
    {
        var requests = new RequestCountingPolicy();
        var options = new TableClientOptions();
        options.AddPolicy(requests, Azure.Core.HttpPipelinePosition.PerRetry);
        return (new TableMetadataStore(new TableServiceClient(azurite.Host.ConnectionString, options), tableName, Clock), requests);
    }

    [Fact]
    public async Task TheHoldersRenewalIsOneRequestAndADeposedHoldersRenewalFails()
    {
        var created = (TableMetadataStore)await CreateStoreAsync();
        var (holder, requests) = OpenCounted(created.TableName);
        var incarnation = Guid.NewGuid();
        var token = (await holder.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).Token!;

        requests.Reset();
        for (var i = 0; i < 5; i++)
            Assert.True((await holder.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).IsController);
        Assert.Equal(5, requests.Requests);

        var other = (TableMetadataStore)await OpenSameStoreAsync(created);
        var claimant = Guid.NewGuid();
        Assert.False((await other.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);
        Clock.Advance(LeaseDuration);
        Assert.True((await other.TryClaimControllerAsync(2, claimant, LeaseDuration, Ct)).IsController);

        // The merge guarded by the old tag fails; the read then shows the new holder.
        Assert.False((await holder.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).IsController);
        // Once deposed it claims as a standby: one read a claim.
        requests.Reset();
        Assert.False((await holder.TryClaimControllerAsync(1, incarnation, LeaseDuration, Ct)).IsController);
        Assert.Equal(1, requests.Requests);
    }

    [Fact]
    public async Task ListingBrokersIsOneRequestWhileTheyFitOnePage()
    {
        var created = (TableMetadataStore)await CreateStoreAsync();
        for (var id = 1; id <= 5; id++)
            await created.RegisterBrokerAsync(new BrokerRegistration(id, Guid.NewGuid(), [new BrokerEndpoint("PLAINTEXT", "127.0.0.1", 9000 + id, "PLAINTEXT")], null, DateTimeOffset.UnixEpoch), Ct);
        var (store, requests) = OpenCounted(created.TableName);

        var brokers = await store.ListBrokersAsync(Ct);

        Assert.Equal([1, 2, 3, 4, 5], brokers.Select(b => b.NodeId));
        Assert.Equal(1, requests.Requests);
    }

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

    [Fact]
    public async Task ARowLeftByAnInterruptedDeleteStaysInvisibleAndIsReplacedByTheNewIncarnation()
    {
        var store = (TableMetadataStore)await CreateStoreAsync();
        await store.CreateTopicAsync(new TopicMetadata("orders", Guid.NewGuid(), 2, 3, new Dictionary<string, string>()), Ct);
        // What a crash between the steps of a wide topic's delete leaves behind: a row of an
        // older incarnation of the name.
        var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
        await table.AddEntityAsync(
            new TableEntity("cluster", "p_orders:0000000001")
            {
                ["Topic"] = "orders",
                ["TopicId"] = Guid.NewGuid(),
                ["Partition"] = 1,
                ["Replicas"] = "1,2,3",
                ["Leader"] = 3,
                ["LeaderEpoch"] = 9,
                ["Isr"] = "3",
                ["PartitionEpoch"] = 9,
            },
            Ct);

        Assert.Null(await store.GetPartitionStateAsync("orders", 1, Ct));
        Assert.Empty(await store.ListPartitionStatesAsync(Ct));
        Assert.Equal(AlterPartitionStatus.UnknownTopicOrPartition, (await store.AlterPartitionAsync(new PartitionState("orders", 1, [1, 2, 3], 3, 9, [3], 9), 9, Ct)).Status);

        var token = (await store.TryClaimControllerAsync(1, Guid.NewGuid(), LeaseDuration, Ct)).Token!;
        Assert.Equal(WriteOutcome.Written, await store.WritePartitionStatesAsync(token, [(new PartitionState("orders", 1, [1, 2, 3], 1, 0, [1, 2, 3], 0), null)], Ct));
        var read = await store.GetPartitionStateAsync("orders", 1, Ct);
        Assert.Equal(0, read!.LeaderEpoch);
        Assert.Equal(1, read.Leader);
    }
}
