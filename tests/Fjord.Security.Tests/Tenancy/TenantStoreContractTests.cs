using Fjord.Security.Tenancy;

namespace Fjord.Security.Tests.Tenancy;

/// <summary>
/// What every <see cref="ITenantStore"/> must do, against the in-memory store and against Table storage on Azurite:
/// tenants round-trip with every field, creates and deletes report what they did, every change bumps the version
/// and a no-op does not, and of 20 racing writers on separate store instances none loses its bump.
/// </summary>
public abstract class TenantStoreContractTests
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(3));

    protected CancellationToken Ct => _timeout.Token;

    /// <summary>A fresh, empty, initialized store no other test sees.</summary>
    protected abstract Task<ITenantStore> CreateStoreAsync();

    /// <summary>Another instance over the same data (another broker, or the control plane).</summary>
    protected abstract ITenantStore OpenSameStore(ITenantStore store);

    protected static Tenant NewTenant(string id, TenantLimits? limits = null) =>
        new(id, $"Tenant {id}", TenantState.Active, TenantClusterIds.New(), limits ?? TenantLimits.None,
            new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AnEmptyStoreHasNoTenantsAtVersionZero()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.ListAsync(Ct));
        Assert.Equal(0, await store.GetVersionAsync(Ct));
        Assert.Null(await store.GetAsync("acme", Ct));
    }

    [Fact]
    public async Task ACreatedTenantReadsBackWithEveryField()
    {
        var store = await CreateStoreAsync();
        var acme = NewTenant("acme", new TenantLimits(MaxTopics: 10, MaxPartitions: 100, MaxRetainedBytes: 5_000_000_000L, MaxConnections: 7));

        Assert.True(await store.CreateAsync(acme, Ct));

        Assert.Equal(acme, await store.GetAsync("acme", Ct));
        Assert.Equal([acme], await OpenSameStore(store).ListAsync(Ct));
        Assert.Equal(1, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task NullLimitsStayNull()
    {
        var store = await CreateStoreAsync();
        var acme = NewTenant("acme", new TenantLimits(MaxPartitions: 3));

        await store.CreateAsync(acme, Ct);

        var loaded = await OpenSameStore(store).GetAsync("acme", Ct);
        Assert.NotNull(loaded);
        Assert.Null(loaded.Limits.MaxTopics);
        Assert.Equal(3, loaded.Limits.MaxPartitions);
        Assert.Null(loaded.Limits.MaxRetainedBytes);
        Assert.Null(loaded.Limits.MaxConnections);
    }

    [Fact]
    public async Task CreatingAnExistingIdWritesNothing()
    {
        var store = await CreateStoreAsync();
        var first = NewTenant("acme");
        await store.CreateAsync(first, Ct);

        Assert.False(await store.CreateAsync(NewTenant("acme") with { DisplayName = "impostor" }, Ct));

        Assert.Equal(first, await store.GetAsync("acme", Ct));
        Assert.Equal(1, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task AnInvalidTenantIsRefused()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(NewTenant("Acme"), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(NewTenant("acme", new TenantLimits(MaxTopics: -1)), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(NewTenant("acme") with { ClusterId = "" }, Ct));
        Assert.Equal(0, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task AnUpdateIsStoredAndBumpsTheVersion()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync(NewTenant("acme"), Ct);

        var updated = await store.UpdateAsync("acme", t => t with { State = TenantState.Suspended, Limits = new TenantLimits(MaxTopics: 2) }, Ct);

        Assert.NotNull(updated);
        Assert.Equal(TenantState.Suspended, updated.State);
        Assert.Equal(updated, await OpenSameStore(store).GetAsync("acme", Ct));
        Assert.Equal(2, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task AnUpdateThatChangesNothingDoesNotBumpTheVersion()
    {
        var store = await CreateStoreAsync();
        var acme = NewTenant("acme");
        await store.CreateAsync(acme, Ct);

        Assert.Equal(acme, await store.UpdateAsync("acme", t => t with { }, Ct));
        Assert.Null(await store.UpdateAsync("acme", _ => null, Ct));

        Assert.Equal(1, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task UpdatingAMissingTenantReturnsNull()
    {
        var store = await CreateStoreAsync();

        Assert.Null(await store.UpdateAsync("acme", t => t with { State = TenantState.Suspended }, Ct));
        Assert.Equal(0, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task AnUpdateMayNotChangeTheId()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync(NewTenant("acme"), Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => store.UpdateAsync("acme", t => t with { Id = "other" }, Ct));
        Assert.Null(await store.GetAsync("other", Ct));
    }

    [Fact]
    public async Task DeleteRemovesTheTenantAndReportsWhetherItWasThere()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync(NewTenant("acme"), Ct);
        await store.CreateAsync(NewTenant("globex"), Ct);

        Assert.True(await store.DeleteAsync("acme", Ct));
        Assert.False(await OpenSameStore(store).DeleteAsync("acme", Ct));

        Assert.Null(await store.GetAsync("acme", Ct));
        Assert.Equal(["globex"], (await store.ListAsync(Ct)).Select(t => t.Id));
        Assert.Equal(3, await store.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task TwentyRacingWritersEndAtVersionTwenty()
    {
        var store = await CreateStoreAsync();
        var writers = Enumerable.Range(0, 20).Select(i => OpenSameStore(store)).ToArray();

        var created = await Task.WhenAll(writers.Select((w, i) => Task.Run(() => w.CreateAsync(NewTenant($"t{i:D2}"), Ct))));

        Assert.All(created, Assert.True);
        Assert.Equal(20, await store.GetVersionAsync(Ct));
        Assert.Equal(20, (await store.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task RacingUpdatesOfOneTenantLoseNone()
    {
        var store = await CreateStoreAsync();
        await store.CreateAsync(NewTenant("acme", new TenantLimits(MaxTopics: 0)), Ct);
        var writers = Enumerable.Range(0, 10).Select(_ => OpenSameStore(store)).ToArray();

        await Task.WhenAll(writers.Select(w => Task.Run(() =>
            w.UpdateAsync("acme", t => t with { Limits = t.Limits with { MaxTopics = t.Limits.MaxTopics + 1 } }, Ct))));

        Assert.Equal(10, (await store.GetAsync("acme", Ct))!.Limits.MaxTopics);
        Assert.Equal(11, await store.GetVersionAsync(Ct));
    }
}
