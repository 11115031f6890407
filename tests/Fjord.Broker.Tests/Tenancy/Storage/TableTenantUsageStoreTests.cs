using Azure.Data.Tables;
using Fjord.Broker.Tenancy.Storage;
using Fjord.Broker.Tests.Infrastructure;
using Fjord.Testing;

namespace Fjord.Broker.Tests.Tenancy.Storage;

/// <summary>The usage table against Azurite: one row per (tenant, broker), replaced by each write, typed columns.</summary>
[Collection(BrokerCollection.Name)]
public sealed class TableTenantUsageStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RowsAreKeyedByTenantAndBrokerAndReplacedByEachWrite()
    {
        var store = new TableTenantUsageStore(new TableServiceClient(azurite.ConnectionString), "usage" + Guid.NewGuid().ToString("N")[..12]);
        await store.InitializeAsync(CancellationToken.None);
        await store.InitializeAsync(CancellationToken.None);
        Assert.Empty(await store.ListAsync(CancellationToken.None));

        var at = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        await store.WriteAsync("acme", 1, 100, at, CancellationToken.None);
        await store.WriteAsync("acme", 2, 5_000_000_000, at, CancellationToken.None);
        await store.WriteAsync("beta", 1, 7, at, CancellationToken.None);
        await store.WriteAsync("acme", 1, 0, at.AddSeconds(5), CancellationToken.None);

        var rows = (await store.ListAsync(CancellationToken.None)).OrderBy(r => r.TenantId, StringComparer.Ordinal).ThenBy(r => r.BrokerId).ToList();
        Assert.Equal(
            [new TenantUsageRow("acme", 1, 0, at.AddSeconds(5)), new TenantUsageRow("acme", 2, 5_000_000_000, at), new TenantUsageRow("beta", 1, 7, at)],
            rows);

        await store.DeleteAsync("beta", 1, CancellationToken.None);
        await store.DeleteAsync("beta", 1, CancellationToken.None);
        Assert.DoesNotContain(await store.ListAsync(CancellationToken.None), r => r.TenantId == "beta");
    }
}
