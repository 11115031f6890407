using Azure.Data.Tables;
using Fjord.Testing;

namespace Fjord.Tiering.Tests;

public sealed class TableRemoteLogMetadataStoreTests(AzuriteFixture azurite) : RemoteLogMetadataStoreContractTests, IClassFixture<AzuriteFixture>
{
    // Small pages make a listing of more than 50 entries span several query pages.
    private const int SmallPageSize = 50;

    protected override async Task<IRemoteLogMetadataStore> CreateStoreAsync() => await CreateTableStoreAsync();

    private async Task<TableRemoteLogMetadataStore> CreateTableStoreAsync()
    {
        // A table per store keeps the tests of this class independent while they share Azurite.
        var store = Open($"t{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    private TableRemoteLogMetadataStore Open(string tableName) =>
        new(new TableServiceClient(azurite.Host.ConnectionString), tableName, Time) { PageSize = SmallPageSize };

    [Fact]
    public async Task InitializeIsIdempotentAndKeepsExistingEntries()
    {
        var store = await CreateTableStoreAsync();
        var segment = Segment(Guid.NewGuid());
        await store.AddCopyStartedAsync(segment, Ct);

        var again = Open(store.TableName);
        await again.InitializeAsync(Ct);

        AssertSameEntry(segment, Assert.Single(await again.ListAsync(segment.TopicId, 0, Ct)));
    }

    [Fact]
    public async Task AnEntryIsOneRowWithTypedColumnsKeyedByTopicIdPartitionAndSegmentId()
    {
        var store = await CreateTableStoreAsync();
        var segment = Segment(Guid.NewGuid(), partition: 3, baseOffset: 120);
        await store.AddCopyStartedAsync(segment, Ct);
        await store.TransitionAsync(segment.TopicId, 3, segment.SegmentId, RemoteSegmentState.CopyStarted, RemoteSegmentState.CopyFinished, Ct);

        var table = new TableServiceClient(azurite.Host.ConnectionString).GetTableClient(store.TableName);
        var rows = table.Query<TableEntity>(cancellationToken: Ct).ToList();
        // Beside the entry, the partition's writer fence: the newest leader epoch that added one.
        var fence = Assert.Single(rows, r => r.RowKey == "fence");
        Assert.Equal(segment.LeaderEpoch, fence.GetInt32("LeaderEpoch"));
        var row = Assert.Single(rows, r => r.RowKey != "fence");

        Assert.Equal($"{segment.TopicId:N}_0000000003", row.PartitionKey);
        Assert.Equal(segment.SegmentId.ToString("N"), row.RowKey);
        Assert.Equal((int)RemoteSegmentState.CopyFinished, row.GetInt32("State"));
        Assert.Equal(Time.GetUtcNow(), row.GetDateTimeOffset("EventTime"));
        Assert.Equal(120L, row.GetInt64("BaseOffset"));
        Assert.Equal(segment.TopicId, row.GetGuid("TopicId"));
        Assert.Equal("2:120,5:160", row.GetString("LeaderEpochs"));
    }

    [Fact]
    public void ATableNameTableStorageWouldRejectIsRefusedUpFront() =>
        Assert.Throws<ArgumentException>(() => new TableRemoteLogMetadataStore(new TableServiceClient(azurite.Host.ConnectionString), "no-dashes"));
}
