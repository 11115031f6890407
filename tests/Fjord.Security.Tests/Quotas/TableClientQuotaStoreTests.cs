using Azure.Data.Tables;
using Fjord.Security.Quotas;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Quotas;

public sealed class TableClientQuotaStoreTests(AzuriteFixture azurite) : ClientQuotaStoreContractTests, IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task<IClientQuotaStore> CreateStoreAsync()
    {
        var store = Open($"q{Guid.NewGuid():N}");
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override IClientQuotaStore OpenSameStore(IClientQuotaStore store) => Open(((TableClientQuotaStore)store).TableName);

    [Fact]
    public async Task AnEntityIsOneRowWithItsComponentsAndDoubleColumnsNextToTheVersionRow()
    {
        var store = (TableClientQuotaStore)await CreateStoreAsync();
        await store.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.User, "acme.bob"), (ClientQuotaEntity.Tenant, "acme")),
            [new(ClientQuotaKeys.ProducerByteRate, 1048576)], Ct);

        var table = new TableServiceClient(azurite.ConnectionString).GetTableClient(store.TableName);
        var row = (await table.GetEntityAsync<TableEntity>("quotas", "tenant=acme|user=acme.bob", cancellationToken: Ct)).Value;
        var version = (await table.GetEntityAsync<TableEntity>("quotas", "!version", cancellationToken: Ct)).Value;

        Assert.Equal("tenant,user", row.GetString("Types"));
        Assert.Equal("acme", row.GetString("Name_tenant"));
        Assert.Equal("acme.bob", row.GetString("Name_user"));
        Assert.Equal(1048576d, row.GetDouble("producer_byte_rate"));
        Assert.Equal(1L, version.GetInt64("Version"));
    }

    [Fact]
    public void TheDefaultTableIsFjordquotas() =>
        Assert.Equal("fjordquotas", new TableClientQuotaStore(new TableServiceClient(azurite.ConnectionString)).TableName);

    [Fact]
    public async Task AQuotaSetThroughOneBrokerIsInTheOtherBrokersCacheAfterAPoll()
    {
        var storeA = (TableClientQuotaStore)await CreateStoreAsync();
        var storeB = Open(storeA.TableName);
        var time = new FakeTimeProvider();
        await using var cacheB = new ClientQuotaCache(storeB, PollInterval, time, NullLogger.Instance);
        await cacheB.StartAsync(Ct);
        var entity = ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, "acme"));

        await storeA.AlterAsync(entity, [new(ClientQuotaKeys.ProducerByteRate, 500)], Ct);
        await Poll.UntilAsync(() => Tick(time, () => cacheB.Snapshot.TryGet(entity, ClientQuotaKeys.ProducerByteRate, out var v) && v == 500),
            TimeSpan.FromSeconds(60), "the quota on broker B");

        await storeA.AlterAsync(entity, [new(ClientQuotaKeys.ProducerByteRate, null)], Ct);
        await Poll.UntilAsync(() => Tick(time, () => cacheB.Snapshot.Quotas.Count == 0), TimeSpan.FromSeconds(60), "the removal on broker B");
    }

    private static bool Tick(FakeTimeProvider time, Func<bool> condition)
    {
        if (condition()) return true;
        time.Advance(PollInterval);
        return false;
    }

    private TableClientQuotaStore Open(string tableName) => new(new TableServiceClient(azurite.ConnectionString), tableName);
}
