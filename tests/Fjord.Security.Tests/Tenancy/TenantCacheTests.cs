using System.Collections.Concurrent;
using Fjord.Security.Principals;
using Fjord.Security.Tenancy;
using Fjord.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Fjord.Security.Tests.Tenancy;

public sealed class TenantCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(1));
    private readonly FakeTimeProvider _time = new();
    private readonly FlakyTenantStore _store = new(new InMemoryTenantStore());
    private readonly ConcurrentQueue<string> _deactivated = new();
    private readonly TenantCache _cache;

    public TenantCacheTests()
    {
        _cache = new TenantCache(_store, Interval, _time, NullLogger.Instance);
        _cache.TenantDeactivated += _deactivated.Enqueue;
    }

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _cache.DisposeAsync();
        _timeout.Dispose();
    }

    private static Tenant NewTenant(string id) =>
        new(id, id, TenantState.Active, TenantClusterIds.New(), TenantLimits.None, DateTimeOffset.UnixEpoch);

    /// <summary>Moves fake time one poll interval at a time until the condition holds.</summary>
    private Task PollingUntilAsync(Func<bool> condition, string what) =>
        Poll.UntilAsync(() =>
        {
            if (condition()) return true;
            _time.Advance(Interval);
            return false;
        }, Deadline, what);

    [Fact]
    public async Task StartLoadsEveryTenant()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _store.CreateAsync(NewTenant("globex"), Ct);

        await _cache.StartAsync(Ct);

        Assert.True(_cache.TryGet("acme", out var acme));
        Assert.True(acme.IsActive);
        Assert.Equal(2, _cache.Tenants.Count);
        Assert.Equal(2, _cache.Version);
    }

    [Fact]
    public async Task AStartWithStorageDownFails()
    {
        _store.Down = true;

        await Assert.ThrowsAsync<IOException>(() => _cache.StartAsync(Ct));
    }

    [Fact]
    public async Task ATenantCreatedElsewhereArrivesWithTheNextPoll()
    {
        await _cache.StartAsync(Ct);

        await _store.CreateAsync(NewTenant("acme"), Ct);

        Assert.False(_cache.TryGet("acme", out _));
        await PollingUntilAsync(() => _cache.TryGet("acme", out _), "acme in the cache");
        Assert.Empty(_deactivated);
    }

    [Fact]
    public async Task ResolvingFindsTheTenantOfAPrincipalOrANameAndNoneForTheOperators()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _cache.StartAsync(Ct);

        Assert.Equal("acme", _cache.Resolve(KafkaPrincipal.User("acme.bob"))?.Id);
        Assert.Equal("acme", _cache.OwnerOf("acme.orders")?.Id);
        Assert.Null(_cache.Resolve(KafkaPrincipal.User("admin")));
        Assert.Null(_cache.OwnerOf("acmeco.orders"));
        Assert.Null(_cache.OwnerOf("acme."));
    }

    [Theory]
    [InlineData(TenantState.Suspended)]
    [InlineData(TenantState.Deleting)]
    public async Task ATenantThatStopsBeingActiveIsAnnouncedOnce(TenantState state)
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _store.CreateAsync(NewTenant("globex"), Ct);
        await _cache.StartAsync(Ct);

        await _store.UpdateAsync("acme", t => t with { State = state }, Ct);
        await PollingUntilAsync(() => !_deactivated.IsEmpty, "acme's deactivation");
        await _store.UpdateAsync("globex", t => t with { DisplayName = "Globex Corp" }, Ct);
        await PollingUntilAsync(() => _cache.TryGet("globex", out var g) && g.Tenant.DisplayName == "Globex Corp", "globex's new name");

        Assert.Equal(["acme"], _deactivated);
        Assert.True(_cache.TryGet("acme", out var acme));
        Assert.False(acme.IsActive);
    }

    [Fact]
    public async Task ADeletedTenantIsAnnouncedAndGone()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _cache.StartAsync(Ct);

        await _store.DeleteAsync("acme", Ct);

        await PollingUntilAsync(() => !_deactivated.IsEmpty, "acme's deactivation");
        Assert.Equal(["acme"], _deactivated);
        Assert.False(_cache.TryGet("acme", out _));
    }

    [Fact]
    public async Task ASuspendedTenantThatIsDeletedIsNotAnnouncedAgain()
    {
        await _store.CreateAsync(NewTenant("acme") with { State = TenantState.Suspended }, Ct);
        await _cache.StartAsync(Ct);

        await _store.DeleteAsync("acme", Ct);
        await PollingUntilAsync(() => !_cache.TryGet("acme", out _), "acme to go");

        Assert.Empty(_deactivated);
    }

    [Fact]
    public async Task AHandlerThatThrowsDoesNotStopTheOthers()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _cache.StartAsync(Ct);
        _cache.TenantDeactivated += _ => throw new InvalidOperationException("boom");
        var second = new ConcurrentQueue<string>();
        _cache.TenantDeactivated += second.Enqueue;

        await _store.UpdateAsync("acme", t => t with { State = TenantState.Suspended }, Ct);

        await PollingUntilAsync(() => !second.IsEmpty, "the last handler");
        Assert.Equal(["acme"], _deactivated);
    }

    [Fact]
    public async Task AStorageOutageKeepsServingTheLastSnapshotAndTheNextChangeArrivesAfterIt()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _cache.StartAsync(Ct);
        _store.Down = true;
        var reads = _store.VersionReads;

        await PollingUntilAsync(() => _store.VersionReads >= reads + 3, "three failed polls");

        Assert.True(_cache.TryGet("acme", out var acme));
        Assert.True(acme.IsActive);
        Assert.Empty(_deactivated);

        _store.Down = false;
        await _store.UpdateAsync("acme", t => t with { State = TenantState.Suspended }, Ct);
        await PollingUntilAsync(() => !_deactivated.IsEmpty, "the suspension after the outage");
    }

    [Fact]
    public async Task AnUnchangedTenantKeepsItsScope()
    {
        await _store.CreateAsync(NewTenant("acme"), Ct);
        await _cache.StartAsync(Ct);
        Assert.True(_cache.TryGet("acme", out var before));

        await _store.CreateAsync(NewTenant("globex"), Ct);
        await PollingUntilAsync(() => _cache.TryGet("globex", out _), "globex");

        Assert.True(_cache.TryGet("acme", out var after));
        Assert.Same(before, after);
    }
}
