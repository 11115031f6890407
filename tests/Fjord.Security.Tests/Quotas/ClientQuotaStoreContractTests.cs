using Fjord.Security.Quotas;

namespace Fjord.Security.Tests.Quotas;

/// <summary>
/// What every <see cref="IClientQuotaStore"/> must do, against the in-memory store and Table storage on Azurite:
/// quotas round-trip per entity (default entities apart from named ones), removing the last key removes the entity,
/// every change bumps the version, and of 20 racing writers on separate store instances none loses its change.
/// </summary>
public abstract class ClientQuotaStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    protected abstract Task<IClientQuotaStore> CreateStoreAsync();

    protected abstract IClientQuotaStore OpenSameStore(IClientQuotaStore store);

    [Fact]
    public async Task AnEmptyStoreHasNothingAtVersionZero()
    {
        var store = await CreateStoreAsync();

        var (quotas, version) = await store.LoadAsync(Ct);

        Assert.Empty(quotas);
        Assert.Equal(0, version);
    }

    [Fact]
    public async Task QuotasRoundTripAndDefaultEntitiesStayApartFromNamedOnes()
    {
        var store = await CreateStoreAsync();
        var alice = ClientQuotaEntity.Of((ClientQuotaEntity.User, "alice"), (ClientQuotaEntity.ClientId, "app"));
        var clusterDefault = ClientQuotaEntity.Of((ClientQuotaEntity.User, null));
        var tenantDefault = ClientQuotaEntity.Of((ClientQuotaEntity.Tenant, "acme"), (ClientQuotaEntity.User, null));

        await store.AlterAsync(alice, [new(ClientQuotaKeys.ProducerByteRate, 1024), new(ClientQuotaKeys.ConsumerByteRate, 2048)], Ct);
        await store.AlterAsync(clusterDefault, [new(ClientQuotaKeys.RequestPercentage, 12.5)], Ct);
        await store.AlterAsync(tenantDefault, [new(ClientQuotaKeys.ProducerByteRate, 4096)], Ct);

        var (quotas, version) = await OpenSameStore(store).LoadAsync(Ct);
        var byEntity = quotas.ToDictionary(q => q.Entity);
        Assert.Equal(3, version);
        Assert.Equal(3, byEntity.Count);
        Assert.Equal(1024, byEntity[alice].Values[ClientQuotaKeys.ProducerByteRate]);
        Assert.Equal(2048, byEntity[alice].Values[ClientQuotaKeys.ConsumerByteRate]);
        Assert.Equal(12.5, byEntity[clusterDefault].Values[ClientQuotaKeys.RequestPercentage]);
        Assert.Equal(4096, Assert.Single(byEntity[tenantDefault].Values).Value);
    }

    [Fact]
    public async Task RemovingAKeyKeepsTheOthersAndRemovingTheLastRemovesTheEntity()
    {
        var store = await CreateStoreAsync();
        var entity = ClientQuotaEntity.Of((ClientQuotaEntity.ClientId, "app"));
        await store.AlterAsync(entity, [new(ClientQuotaKeys.ProducerByteRate, 1), new(ClientQuotaKeys.ConsumerByteRate, 2)], Ct);

        await store.AlterAsync(entity, [new(ClientQuotaKeys.ProducerByteRate, null)], Ct);
        var (quotas, _) = await store.LoadAsync(Ct);
        Assert.Equal(ClientQuotaKeys.ConsumerByteRate, Assert.Single(Assert.Single(quotas).Values).Key);

        await store.AlterAsync(entity, [new(ClientQuotaKeys.ConsumerByteRate, null)], Ct);
        (quotas, var version) = await store.LoadAsync(Ct);
        Assert.Empty(quotas);
        Assert.Equal(3, version);
    }

    [Fact]
    public async Task AwkwardNamesAreKeptFaithfully()
    {
        var store = await CreateStoreAsync();
        string[] names = ["a/b", "x|y=z", "~", "<default>", new string('\u00e9', 600), "#?\\"];
        foreach (var name in names)
            await store.AlterAsync(ClientQuotaEntity.Of((ClientQuotaEntity.ClientId, name)), [new(ClientQuotaKeys.ProducerByteRate, name.Length)], Ct);

        var (quotas, _) = await store.LoadAsync(Ct);

        Assert.Equal(names.Order(StringComparer.Ordinal), quotas.Select(q => q.Entity.Components[0].Value!).Order(StringComparer.Ordinal));
        Assert.All(quotas, q => Assert.Equal(q.Entity.Components[0].Value!.Length, q.Values[ClientQuotaKeys.ProducerByteRate]));
    }

    [Fact]
    public async Task TwentyRacingWritersOnSeparateInstancesEndAtVersionTwenty()
    {
        var store = await CreateStoreAsync();
        var shared = ClientQuotaEntity.Of((ClientQuotaEntity.User, null));
        var writers = Enumerable.Range(0, 20).Select(async i =>
        {
            var own = OpenSameStore(store);
            await Task.Yield();
            await own.AlterAsync(shared, [new($"{ClientQuotaKeys.ProducerByteRate}", 1000 + i)], Ct);
        });
        await Task.WhenAll(writers);

        var (quotas, version) = await store.LoadAsync(Ct);
        Assert.Equal(20, version);
        Assert.InRange(Assert.Single(quotas).Values[ClientQuotaKeys.ProducerByteRate], 1000, 1019);
    }
}
